// Runs a compiled catalog over one message. Matching happens on folded text
// (no accents, lower case); every hit maps back to the exact original span so
// the evidence quote is a substring of what the customer wrote.
import type { CatalogLanguage, CompiledSignal, SignalCatalog } from './catalog.js';
import { foldText, originalSpan, type FoldedText } from './fold-text.js';
import { parseNumber } from './parse-number.js';

export interface SignalMatch {
  signalId: string;
  /** Offsets in the original text, end exclusive. */
  start: number;
  end: number;
  /** Exactly text.slice(start, end). */
  quote: string;
  /** Language of the pattern that matched. */
  lang: CatalogLanguage;
  /** Captured number, for signals with number capture. */
  value?: number;
  confidence: number;
}

// A clause ends at sentence punctuation or a contrast word: "no, quiero cotizar" and
// "no sé, pero quiero comprar" are not negated.
const CLAUSE_BREAK = /[.!?;,:\n¡¿]|\s(?:pero|but|sino|aunque|though|however)\s/gu;
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

function isNegated(ft: FoldedText, matchStart: number, words: Set<string>, window: number): boolean {
  if (window === 0) return false;
  const before = ft.folded.slice(0, matchStart).replace(/’/g, "'");
  let clauseStart = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) clauseStart = m.index + m[0].length;
  const tokens = before.slice(clauseStart).match(WORD) ?? [];
  return tokens.slice(-window).some((t) => words.has(t) || t.endsWith("n't"));
}

const unionCache = new WeakMap<SignalCatalog, Set<string>>();

/**
 * Negators of every catalog language at once: patterns of both languages run on
 * every message, and a Spanish negator before an English pattern's hit
 * ("tampoco quiero una demo") still negates it.
 */
function negators(catalog: SignalCatalog): Set<string> {
  let u = unionCache.get(catalog);
  if (!u) { u = new Set([...catalog.negation.words.es, ...catalog.negation.words.en]); unionCache.set(catalog, u); }
  return u;
}

/** Orders languages so the message's own comes first; all are tried because short chat lines are often mis-detected. */
function languageOrder(lang: string | undefined): CatalogLanguage[] {
  return lang === 'en' ? ['en', 'es'] : ['es', 'en'];
}

function matchSignal(signal: CompiledSignal, ft: FoldedText, original: string, catalog: SignalCatalog, langs: CatalogLanguage[]): SignalMatch[] {
  const out: SignalMatch[] = [];
  for (const lang of langs) {
    for (const p of signal.patterns) {
      if (p.lang !== lang) continue;
      p.regex.lastIndex = 0;
      for (const m of ft.folded.matchAll(p.regex)) {
        const start = m.index;
        const end = start + m[0].length;
        if (signal.negatable && isNegated(ft, start, negators(catalog), catalog.negation.window)) continue;
        let value: number | undefined;
        if (signal.number) {
          const raw = m.groups?.num;
          const n = raw === undefined ? null : parseNumber(raw);
          if (n === null) continue;
          if (signal.number.min !== undefined && n < signal.number.min) continue;
          if (signal.number.max !== undefined && n > signal.number.max) continue;
          value = n;
        }
        const [os, oe] = originalSpan(ft, start, end);
        out.push({ signalId: signal.id, start: os, end: oe, quote: original.slice(os, oe), lang, confidence: signal.confidence, ...(value !== undefined ? { value } : {}) });
      }
    }
  }
  return out;
}

/**
 * Every signal of the catalog that fires in `text`, one match per hit
 * (a signal may hit several times). `lang` is the message's detected language.
 */
export function detectSignals(catalog: SignalCatalog, text: string, lang?: string): SignalMatch[] {
  if (!text) return [];
  const ft = foldText(text);
  const langs = languageOrder(lang);
  return catalog.signals.flatMap((s) => matchSignal(s, ft, text, catalog, langs));
}

/** The ids of the signals that fire in `text`, once each. */
export function detectSignalIds(catalog: SignalCatalog, text: string, lang?: string): string[] {
  return [...new Set(detectSignals(catalog, text, lang).map((m) => m.signalId))];
}

/** The per-message detector bound to one catalog: `(text, lang) => matches`. */
export function createSignalDetector(catalog: SignalCatalog): (text: string, lang?: string) => SignalMatch[] {
  return (text, lang) => detectSignals(catalog, text, lang);
}
