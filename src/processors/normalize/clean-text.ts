// Turns a raw chat body into plain, comparable text: NFKC, no markup, no
// invisible characters, single spaces, bounded length. Emoji survive (and so
// does the zero-width joiner inside emoji sequences such as 👩‍💻).

export interface CleanedText {
  text: string;
  /** True when the text was cut to the length cap. */
  truncated: boolean;
}

// Chat bodies come from web widgets and e-mail bridges: the markup is
// fragments, never documents, so regexes over tags are enough and much cheaper
// than a DOM parser on the hot path. A `<` not followed by a letter, `/` or `!`
// ("<3", "a < b") is text, not a tag.
const SCRIPT_STYLE = /<(script|style|head|template)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
const BLOCK_TAG = /<\/?(?:br|p|div|li|ul|ol|tr|td|th|h[1-6]|blockquote|pre|hr|table|section|article)\b[^>]*>/gi;
const TAG = /<\/?[a-zA-Z][\w:-]*(?:\s[^<>]*)?\/?>|<![a-zA-Z][^>]*>/g;
const ENTITY = /&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;

// The named entities chat text actually carries (Spanish and English); an
// unknown name stays as typed.
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', ntilde: 'ñ', uuml: 'ü',
  Aacute: 'Á', Eacute: 'É', Iacute: 'Í', Oacute: 'Ó', Uacute: 'Ú', Ntilde: 'Ñ', Uuml: 'Ü',
  agrave: 'à', egrave: 'è', ccedil: 'ç', iexcl: '¡', iquest: '¿', ordf: 'ª', ordm: 'º', deg: '°',
  euro: '€', cent: '¢', pound: '£', yen: '¥', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', laquo: '«', raquo: '»', ldquo: '“', rdquo: '”',
  lsquo: '‘', rsquo: '’', bull: '•', middot: '·', times: '×', divide: '÷',
  zwj: '\u200d', zwnj: '', lrm: '', rlm: '',
};

// C0/C1 controls (tab and newlines become spaces later), zero-width and bidi
// formatting characters, soft hyphen, word joiner, BOM, and the Unicode
// "tag" characters used to smuggle invisible text.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;
// ZWJ only means something between two emoji; elsewhere it is invisible noise.
const STRAY_ZWJ = /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const SPACES = /[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;
const NEEDS_MARKUP_PASS = /[<&]/;
const NEEDS_INVISIBLE_PASS = /[\u0000-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\uDB40]/;
const NON_ASCII = /[^\u0020-\u007E]/;

export function decodeEntities(s: string): string {
  return s.replace(ENTITY, (whole, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '';
      return String.fromCodePoint(cp);
    }
    return NAMED[name] ?? whole;
  });
}

export function stripMarkup(s: string): string {
  if (!NEEDS_MARKUP_PASS.test(s)) return s;
  let out = s;
  if (out.includes('<')) {
    out = out.replace(COMMENT, ' ').replace(CDATA, ' $1 ').replace(SCRIPT_STYLE, ' ').replace(BLOCK_TAG, ' ').replace(TAG, '');
  }
  // Entities are decoded last so that an escaped "&lt;b&gt;" stays visible text.
  return out.includes('&') ? decodeEntities(out) : out;
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end).trimEnd();
}

/** How much raw text cleaning ever reads, as a multiple of the output cap. */
export const RAW_CAP_FACTOR = 4;

/** The number of raw UTF-16 units `cleanText(raw, maxChars)` can read at most: its output depends on no others. */
export const rawCapOf = (maxChars: number): number => maxChars * RAW_CAP_FACTOR;

// A long body is first cleaned from a raw prefix only a quarter longer than
// the cap: plain text (almost every long paste) still fills the cap, and a
// 1 MB body then costs about what a 25 kB one does. Only when markup or
// whitespace shrank that prefix below the cap (plus a margin, so a tag or an
// entity cut at the prefix's end cannot reach into the kept text) is the text
// cleaned again from the full 4x prefix.
const FIRST_PASS_MARGIN = 256;

/**
 * Cleans one body. `maxChars` bounds the output; the raw input is also cut
 * first (at 1.25x, and at most 4x) so a 1 MB paste costs about what a body of
 * the cap's size does.
 */
export function cleanText(raw: string, maxChars: number): CleanedText {
  const rawCap = rawCapOf(maxChars);
  const firstCap = maxChars + (maxChars >> 2) + FIRST_PASS_MARGIN;
  if (raw.length > firstCap && firstCap < rawCap) {
    const s = cleanRaw(truncate(raw, firstCap));
    if (s.length >= maxChars + FIRST_PASS_MARGIN) return { text: truncate(s, maxChars), truncated: true };
  }
  let truncated = raw.length > rawCap;
  let s = cleanRaw(truncated ? truncate(raw, rawCap) : raw);
  if (s.length > maxChars) { s = truncate(s, maxChars); truncated = true; }
  return { text: s, truncated };
}

function cleanRaw(raw: string): string {
  let s = stripMarkup(raw);
  // NFKC folds full-width digits/letters and ligatures (so "３００" is a number
  // for the PII pass); plain ASCII is already NFKC.
  if (NON_ASCII.test(s)) s = s.normalize('NFKC');
  if (NEEDS_INVISIBLE_PASS.test(s)) s = s.replace(STRAY_ZWJ, '').replace(INVISIBLE, '');
  return s.replace(SPACES, ' ').trim();
}
