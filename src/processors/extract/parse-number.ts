// Numbers as customers type them: "500", "1.000" and "1,000" (thousands),
// "1,5" and "1.5" (decimals), "2k", "2 mil", "mil", "1.5 millones", "3 thousand".

/** Regex source for a number as written in chat; used by the `{num}` macro in catalog patterns. */
export const NUMBER_SOURCE =
  String.raw`(?:(?:\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]\d+)?(?:\s*(?:k|mil|miles|thousand|millon(?:es)?|million(?:s)?|mm|m)(?![\p{L}\p{N}]))?|un\s+mil|mil|cien|a\s+thousand|one\s+thousand|thousand|hundred)`;

const MULTIPLIERS: Record<string, number> = {
  k: 1_000, mil: 1_000, miles: 1_000, thousand: 1_000,
  m: 1_000_000, mm: 1_000_000, millon: 1_000_000, millones: 1_000_000, million: 1_000_000, millions: 1_000_000,
};

const WORDS: Record<string, number> = {
  'mil': 1_000, 'un mil': 1_000, 'cien': 100, 'thousand': 1_000, 'a thousand': 1_000, 'one thousand': 1_000, 'hundred': 100,
};

/** Parses the digits part: decides whether `.`/`,` are thousands separators or a decimal mark. */
function parseDigits(s: string): number {
  const seps = s.match(/[.,]/g) ?? [];
  if (seps.length === 0) return Number(s);
  const last = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
  const lastSep = s[last]!;
  const tail = s.slice(last + 1);
  const distinct = new Set(seps);
  if (distinct.size === 2) {
    // Both kinds: the last one is the decimal mark ("1.000,50", "1,000.50").
    const intPart = s.slice(0, last).replace(/[.,]/g, '');
    return Number(`${intPart}.${tail}`);
  }
  // One kind: repeated, or followed by exactly three digits, means thousands ("1.000.000", "1,000").
  if (seps.length > 1 || (tail.length === 3 && /^\d{1,3}$/.test(s.slice(0, last)))) {
    return Number(s.split(lastSep).join(''));
  }
  return Number(s.replace(lastSep, '.'));
}

/** Returns the value of a number written in chat, or null when it is not one. */
export function parseNumber(raw: string): number | null {
  const s = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s in WORDS) return WORDS[s]!;
  const m = /^(\d[\d.,]*)\s*([a-z]+)?$/.exec(s);
  if (!m) return null;
  const base = parseDigits(m[1]!);
  if (!Number.isFinite(base)) return null;
  if (m[2] === undefined) return base;
  const mult = MULTIPLIERS[m[2]];
  return mult === undefined ? null : base * mult;
}
