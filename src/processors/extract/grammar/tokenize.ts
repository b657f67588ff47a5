// Chat text as a list of tokens that remember where they came from. Grammar
// rules match token sequences, not characters, so inflection (through the
// stemmer), typos and missing apostrophes are handled once, here and in the
// lexicon, instead of in every pattern; evidence is still quoted from the
// original text through each token's offsets.
import { foldText } from '../fold-text.js';

export type TokenKind = 'word' | 'num' | 'comma' | 'stop';

export interface Token {
  kind: TokenKind;
  /**
   * Folded (lower case, no accents) and without apostrophes: "I'd" → "id",
   * "Cotización" → "cotizacion"; `|` for a sentence end, `|?` for one that asks.
   */
  text: string;
  /** Offsets in the original message, end exclusive. */
  start: number;
  end: number;
  /** The original ended in an accented é/í/ó (a Spanish preterite such as "compré"): folding loses it. */
  accentedEnd: boolean;
}

// Numbers keep their separators ("1.000", "2,5"); words keep inner apostrophes
// ("don't"); sentence marks end a clause; commas and colons only separate.
// normalize's PII placeholders ("[phone]", "[id]") become one word each,
// `pii_phone`, `pii_id`...: the fact that a number was there is the signal.
const TOKEN = /\[(email|phone|card|id)\]|(\d+(?:[.,]\d+)*)|([\p{L}\p{N}]+(?:['’`´][\p{L}]+)*)|([.!?;\n¡¿…]+)|([,:])/gu;
const APOSTROPHES = /['’`´]/g;
const ACCENTED_END = /[éíó]$/;

export function tokenize(original: string): Token[] {
  const ft = foldText(original);
  const out: Token[] = [];
  for (const m of ft.folded.matchAll(TOKEN)) {
    const fs = m.index;
    const fe = fs + m[0].length;
    const start = ft.starts[fs]!;
    const end = ft.ends[fe - 1]!;
    if (m[1] !== undefined) out.push({ kind: 'word', text: `pii_${m[1]}`, start, end, accentedEnd: false });
    else if (m[2] !== undefined) out.push({ kind: 'num', text: m[2], start, end, accentedEnd: false });
    else if (m[3] !== undefined) {
      const surface = original.slice(start, end).toLowerCase();
      out.push({ kind: 'word', text: m[3].replace(APOSTROPHES, ''), start, end, accentedEnd: ACCENTED_END.test(surface) });
    } else if (m[4] !== undefined) out.push({ kind: 'stop', text: /[?¿]/.test(m[4]) ? '|?' : '|', start, end, accentedEnd: false });
    else out.push({ kind: 'comma', text: ',', start, end, accentedEnd: false });
  }
  return out;
}
