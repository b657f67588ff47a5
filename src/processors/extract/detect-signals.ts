// Runs a compiled catalog over one message. Matching happens on folded text
// (no accents, lower case); every hit maps back to the exact original span so
// the evidence quote is a substring of what the customer wrote.
import type { CatalogLanguage, CompiledSignal, SignalCatalog, SignalRole } from './catalog.js';
import { foldText, originalSpan, type FoldedText } from './fold-text.js';
import { foldWord } from './grammar/lexicon.js';
import { encodeTokens, matchTokens, mayMatch, type EncodedMessage } from './grammar/token-pattern.js';
import { tokenize } from './grammar/tokenize.js';
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
  /** In a sentence with a hedge (a conditional, reported speech): an intent counts as weak. */
  hedged?: boolean;
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
const tokenUnionCache = new WeakMap<SignalCatalog, Set<string>>();

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

/** The same negators in token form (no apostrophes: "don't" is the token "dont"). */
function tokenNegators(catalog: SignalCatalog): Set<string> {
  let u = tokenUnionCache.get(catalog);
  if (!u) { u = new Set([...negators(catalog)].map(foldWord)); tokenUnionCache.set(catalog, u); }
  return u;
}

const CONTRAST = new Set(['pero', 'but', 'sino', 'aunque', 'though', 'however']);
// A negator before a question word negates the verb that governs the question,
// not what is asked: "I don't know how to order" asks how to order.
const QUESTION = new Set(['how', 'what', 'where', 'which', 'when', 'como', 'que', 'donde', 'cual', 'cuando']);

/** A negator among the `window` words before token `first`, inside its clause (which a question word also ends). */
function isTokenNegated(msg: EncodedMessage, first: number, words: Set<string>, window: number): boolean {
  if (QUESTION.has(msg.tokens[first]!.text)) return false;
  let seen = 0;
  for (let i = first - 1; i >= 0 && seen < window; i--) {
    const t = msg.tokens[i]!;
    if (t.kind === 'stop' || t.kind === 'comma' || CONTRAST.has(t.text) || QUESTION.has(t.text)) return false;
    if (t.kind !== 'word') continue;
    if (words.has(t.text)) return true;
    seen++;
  }
  return false;
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
 * Grammar rules of the message's language only, when it has one: stems cross
 * languages ("visit" is the Spanish stem of "visita", "program" of
 * "programar"), so an English sentence must not meet Spanish rules. A message
 * of unknown language, or too short for detection to be sure (normalize never
 * marks two words reliable; three are hardly better), meets both.
 */
function ruleLanguages(lang: string | undefined, msg: EncodedMessage): ReadonlySet<CatalogLanguage> {
  if (lang !== 'en' && lang !== 'es') return BOTH;
  let words = 0;
  for (const t of msg.tokens) if (t.kind === 'word' && ++words > SHORT_WORDS) return lang === 'en' ? EN_ONLY : ES_ONLY;
  return BOTH;
}
const SHORT_WORDS = 3;
const EN_ONLY: ReadonlySet<CatalogLanguage> = new Set(['en']);
const ES_ONLY: ReadonlySet<CatalogLanguage> = new Set(['es']);
const BOTH: ReadonlySet<CatalogLanguage> = new Set(['es', 'en']);

function matchRules(signal: CompiledSignal, msg: EncodedMessage, original: string, catalog: SignalCatalog, langs: ReadonlySet<CatalogLanguage>): SignalMatch[] {
  const out: SignalMatch[] = [];
  for (const rule of signal.rules) {
    if (!langs.has(rule.lang) || !mayMatch(rule, msg)) continue;
    for (const span of matchTokens(rule.regex, msg)) {
      if (signal.negatable && isTokenNegated(msg, span.first, tokenNegators(catalog), catalog.negation.window)) continue;
      const start = msg.tokens[span.first]!.start;
      const end = msg.tokens[span.end - 1]!.end;
      if (out.some((m) => m.start === start && m.end === end)) continue;
      out.push({ signalId: signal.id, start, end, quote: original.slice(start, end), lang: rule.lang, confidence: signal.confidence });
    }
  }
  return out;
}

/** Sentence number of each original offset's token (sentences end at . ! ? ; and new lines). */
function sentenceOf(msg: EncodedMessage): (offset: number) => number {
  const bounds: number[] = [];
  for (const t of msg.tokens) if (t.kind === 'stop') bounds.push(t.start);
  return (offset) => {
    let n = 0;
    while (n < bounds.length && bounds[n]! < offset) n++;
    return n;
  };
}

/**
 * Every signal of the catalog that fires in `text`, one match per hit (a
 * signal may hit several times), acts included. `lang` is the message's
 * detected language; `role` whose message it is: agent messages carry only the
 * catalog's agent acts. A signal whose `unless` fires in the same message is
 * dropped; an intent in a sentence with a hedge is marked `hedged`.
 */
export function detectSignals(catalog: SignalCatalog, text: string, lang?: string, role: SignalRole = 'customer'): SignalMatch[] {
  if (!text) return [];
  const ft = foldText(text);
  const langs = languageOrder(lang);
  const wanted = catalog.signals.filter((s) => s.role === role);

  let msg: EncodedMessage | undefined;
  const encoded = () => (msg ??= encodeTokens(tokenize(text), catalog.lexicon));
  let matches = wanted.flatMap((s) => {
    const byPattern = s.patterns.length ? matchSignal(s, ft, text, catalog, langs) : [];
    const byRule = s.rules.length ? matchRules(s, encoded(), text, catalog, ruleLanguages(lang, encoded())) : [];
    return byRule.length === 0 ? byPattern : [...byPattern, ...byRule.filter((r) => !byPattern.some((p) => p.start <= r.start && r.end <= p.end))];
  });
  if (matches.length === 0) return matches;
  if (matches.some((m) => catalog.byId.get(m.signalId)!.unless.length > 0)) {
    // `unless` looks in the same sentence (a long message that gives a policy
    // number to identify the customer still asks to change the plan), or in
    // the whole message for signals that say so (unlessIn: message).
    const sentence = sentenceOf(encoded());
    const firedIn = new Map<string, Set<number>>();
    for (const m of matches) {
      let at = firedIn.get(m.signalId);
      if (!at) firedIn.set(m.signalId, (at = new Set()));
      at.add(sentence(m.start));
    }
    matches = matches.filter((m) => {
      const def = catalog.byId.get(m.signalId)!;
      return !def.unless.some((u) => {
        const at = firedIn.get(u);
        return at !== undefined && (def.unlessIn === 'message' || at.has(sentence(m.start)));
      });
    });
  }
  if (catalog.hedges.size && matches.some((m) => catalog.hedges.has(m.signalId))) {
    const sentence = sentenceOf(encoded());
    const hedged = new Set(matches.filter((m) => catalog.hedges.has(m.signalId)).map((m) => sentence(m.start)));
    matches = matches.map((m) => (catalog.byId.get(m.signalId)!.category === 'intent' && hedged.has(sentence(m.start)) ? { ...m, hedged: true } : m));
  }
  return matches;
}

/** The ids of the signals that fire in `text`, once each (acts excluded). */
export function detectSignalIds(catalog: SignalCatalog, text: string, lang?: string): string[] {
  return [...new Set(detectSignals(catalog, text, lang).filter((m) => catalog.byId.get(m.signalId)!.category !== 'act').map((m) => m.signalId))];
}

/** The per-message detector bound to one catalog: `(text, lang) => matches`. */
export function createSignalDetector(catalog: SignalCatalog): (text: string, lang?: string) => SignalMatch[] {
  return (text, lang) => detectSignals(catalog, text, lang);
}
