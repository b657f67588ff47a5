// Inflection through the Snowball stemmers (Porter2 for English, Snowball's
// Spanish), never hand-written suffix lists: "reservarlo", "reservación" and
// "reservar" share a stem, as do "booked", "booking" and "book".
import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as spanish } from '@orama/stemmers/spanish';

export type StemLanguage = 'en' | 'es';

const STEMMERS: Record<StemLanguage, (w: string) => string> = { en: english, es: spanish };

/** The stem of a folded word (lower case, no accents, no apostrophes). */
export function stem(word: string, lang: StemLanguage): string {
  return STEMMERS[lang](word);
}

// Spanish attaches object pronouns to imperatives ("cómpralo", "llámeme",
// "cotízame", "mándamelo"); Snowball strips them only after an infinitive or a
// gerund. The pronouns are a closed class of the grammar, so trying the word
// without one or two of them is not a suffix list for inflection.
const ONE = ['me', 'te', 'se', 'nos', 'lo', 'la', 'los', 'las', 'le', 'les'];
const FIRST = ['me', 'te', 'se', 'nos'];
const SECOND = ['lo', 'la', 'los', 'las'];
const CLITIC_SUFFIXES = [...FIRST.flatMap((a) => SECOND.map((b) => a + b)), ...ONE];

/** Spanish stems of `word` without trailing object pronouns, shortest removal first; empty when it has none. */
export function spanishCliticStems(word: string): string[] {
  const out: string[] = [];
  for (const suffix of [...CLITIC_SUFFIXES].sort((a, b) => a.length - b.length)) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) out.push(spanish(word.slice(0, -suffix.length)));
  }
  return out;
}
