// The catalog's lexicon: word classes ("acquire", "offer", "servicing"...) per
// language, listed as plain words. A token is tagged with the class and the
// language whose word it matched (`acquire~en`), so a Spanish rule only sees
// the Spanish words of a class and "set" (en) is never "agendar" (es). A token belongs to a class when its stem is
// the stem of a listed word (so every inflection counts), when it is a listed
// exact form (`=word`: irregular or too short to stem safely), or, for a long
// word that matched nothing, when it is one typo away from a listed word.
import { configError } from '../../../core/errors.js';
import { spanishCliticStems, stem, type StemLanguage } from './stem.js';
import type { Token } from './tokenize.js';

export type LexiconSpec = Record<string, Partial<Record<StemLanguage, string[]>>>;

/**
 * Built-in tags: `num` (a number token), `code` (an identifier: five digits or
 * more, or letters mixed with digits: "00123842", "dl123"), `past` (a past
 * form: "ordered", "compré", or a word of the class `past`), `base` (the very
 * word a class lists, not an inflection of it: "order", not "orders": an
 * imperative is the base form) and `enclitic` (a Spanish word that matched a
 * class only without its attached pronouns: "llámame", "cotízame").
 */
export const BUILTIN_TAGS = ['num', 'code', 'past', 'base', 'enclitic'] as const;
const CODE_NUMBER = /^\d{5,}$/;
const CODE_WORD = /^(?=(?:.*\d){3})(?=.*\p{L})[\p{L}\d]{4,}$/u;

interface ClassIndex {
  exact: Set<string>;
  stem: Set<string>;
  /** Listed words of 6+ letters, for the one-typo fallback. */
  long: string[];
  /** Stems of 5+ letters, for the typo fallbacks ("acquirin", "cacnelling"). */
  longStems: string[];
}

/** The tag a token gets for a class matched through a word of one language. */
export const classTag = (cls: string, lang: StemLanguage): string => `${cls}~${lang}`;

export interface Lexicon {
  readonly classes: ReadonlySet<string>;
  /** The sorted class names (and built-in tags) of one token. */
  tags(token: Token): readonly string[];
}

/** Folded, without apostrophes: the form tokens have. */
export function foldWord(w: string): string {
  return w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’`´]/g, '');
}

const LANGS: StemLanguage[] = ['en', 'es'];
const NUM: readonly string[] = ['num'];
const NUM_CODE: readonly string[] = ['code', 'num'];
const WORD = /^=?[\p{L}\p{N}'’]+$/u;
const CACHE_LIMIT = 50_000;

export function compileLexicon(spec: LexiconSpec, where = 'lexicon'): Lexicon {
  // One index per (class, language): the tag says which language's word matched.
  const index = new Map<string, ClassIndex>();
  const classes = new Set<string>();
  const problems: string[] = [];
  for (const [name, byLang] of Object.entries(spec)) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) problems.push(`${where}: class '${name}' is not snake_case`);
    if ((BUILTIN_TAGS as readonly string[]).includes(name) && name !== 'past') problems.push(`${where}: class '${name}' is a built-in tag`);
    classes.add(name);
    for (const lang of LANGS) {
      const ci: ClassIndex = { exact: new Set(), stem: new Set(), long: [], longStems: [] };
      index.set(classTag(name, lang), ci);
      for (const raw of byLang[lang] ?? []) {
        if (!WORD.test(raw)) { problems.push(`${where}: class '${name}' ${lang} entry '${raw}' is not one word (write phrases as rules)`); continue; }
        const exactOnly = raw.startsWith('=');
        const w = foldWord(exactOnly ? raw.slice(1) : raw);
        ci.exact.add(w);
        if (!exactOnly) {
          const st = stem(w, lang);
          ci.stem.add(st);
          if (w.length >= 6) ci.long.push(w);
          if (st.length >= 5) ci.longStems.push(st);
        }
      }
    }
  }
  if (problems.length) throw configError(`Invalid signal catalog: ${problems.join('; ')}`, { problems });
  const entries = [...index.entries()];
  const cache = new Map<string, readonly string[]>();

  const classify = (t: Token): string[] => {
    const w = t.text;
    const en = stem(w, 'en');
    const es = stem(w, 'es');
    const clitic = spanishCliticStems(w);
    const out = new Set<string>();
    let enclitic = false;
    for (const [tag, ci] of entries) {
      const spanish = tag.endsWith('~es');
      if (ci.exact.has(w)) { out.add(tag); out.add('base'); } else if (ci.stem.has(spanish ? es : en)) out.add(tag);
      else if (spanish && clitic.some((s) => ci.stem.has(s))) { out.add(tag); enclitic = true; }
    }
    if (enclitic) out.add('enclitic');
    if (out.size === 0 && w.length >= 6) {
      // A typo: one edit away from a listed word, or a listed stem cut short or run on by a letter or three.
      for (const [name, ci] of entries) {
        // Spanish derives real words from a stem ("preciosa" from "precio"), so only English gets the cut-short rule.
        const spanish = name.endsWith('~es');
        const st = spanish ? es : en;
        if (ci.long.some((x) => x[0] === w[0] && withinOneEdit(w, x)) || ci.longStems.some((x) => (!spanish && w.startsWith(x) && w.length <= x.length + 2) || (st.length >= 5 && x[0] === st[0] && withinOneEdit(st, x)))) out.add(name);
      }
    }
    if ((w.length >= 5 && w.endsWith('ed') && en !== w) || (t.accentedEnd && w.length >= 4) || out.has(classTag('past', 'en')) || out.has(classTag('past', 'es'))) out.add('past');
    if ((CODE_WORD.test(w) && !/^\d+(st|nd|rd|th|am|pm|k)$/.test(w)) || w.startsWith('pii_')) out.add('code');
    return [...out].sort();
  };

  return {
    classes,
    tags(t) {
      if (t.kind === 'num') return CODE_NUMBER.test(t.text) ? NUM_CODE : NUM;
      if (t.kind !== 'word') return [];
      const key = t.accentedEnd ? `${t.text}\u0001` : t.text;
      let hit = cache.get(key);
      if (!hit) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        hit = classify(t);
        cache.set(key, hit);
      }
      return hit;
    },
  };
}

/** Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or transposition). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
