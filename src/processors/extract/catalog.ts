// The signal catalog: a YAML file of signals with patterns per language,
// validated with zod and compiled once at load. A catalog may extend another
// (`extends: default`); signals of the child replace the parent's by id.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configError } from '../../core/errors.js';
import { NUMBER_SOURCE } from './parse-number.js';
import { BUILTIN_TAGS, compileLexicon, type Lexicon, type LexiconSpec } from './grammar/lexicon.js';
import { compileTokenPattern, type TokenPattern } from './grammar/token-pattern.js';
import { SIGNAL_CATEGORIES, SIGNAL_STRENGTHS, type RecordCategory, type SignalCategory, type SignalStrength } from '../../records/signal-vocabulary.js';
import type { Tier } from '../../records/tier.js';

export { SIGNAL_CATEGORIES, SIGNAL_STRENGTHS, type RecordCategory, type SignalCategory, type SignalStrength };

export const SIGNAL_ROLES = ['customer', 'agent'] as const;
export type SignalRole = (typeof SIGNAL_ROLES)[number];
export const CATALOG_LANGUAGES = ['es', 'en'] as const;
export type CatalogLanguage = (typeof CATALOG_LANGUAGES)[number];

/** Where `extends: NAME` and catalog names are looked up by default: the repo's catalogs/ folder. */
export const DEFAULT_CATALOG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../catalogs');

const patternList = z.array(z.string().min(1)).default([]);

const signalSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are snake_case: lower-case letters, digits and _'),
  description: z.string().min(1),
  category: z.enum(SIGNAL_CATEGORIES),
  /** Points added to ruleScore when the signal fires (acts weigh 0). */
  weight: z.number().default(0),
  /**
   * Intent only. strong: on its own it can make a lead qualified (acquisition,
   * a request for a quote, demo, call, meeting or visit, purchase terms);
   * weak: interest that stops at nurturing however much of it adds up.
   * Default: strong when the weight reaches the qualified threshold.
   */
  strength: z.enum(SIGNAL_STRENGTHS).optional(),
  /** Whose messages the signal is looked for in (agent: only acts, as context for the customer's answers). */
  role: z.enum(SIGNAL_ROLES).default('customer'),
  /** Signal ids that, found in the same sentence, cancel this one ("order a new card, mine was stolen" is servicing). */
  unless: z.array(z.string()).default([]),
  /** Where `unless` looks: the sentence of the match (default) or the whole message. */
  unlessIn: z.enum(['sentence', 'message']).default('sentence'),
  /** Confidence of a single pattern hit (rules are precise but not certain). */
  confidence: z.number().min(0).max(1).default(0.8),
  /** false for signals whose patterns already contain the negation ("not interested"). */
  negatable: z.boolean().default(true),
  /** Number capture: every pattern must contain `{num}`; the signal fires only within [min, max]. */
  number: z.object({ min: z.number().optional(), max: z.number().optional(), unit: z.string().optional() }).optional(),
  /** Regular expressions over folded text (numbers, fixed phrases). */
  patterns: z.object({ es: patternList, en: patternList }).strict().default({ es: [], en: [] }),
  /** Grammar rules over tokens and lexicon classes (src/processors/extract/grammar/token-pattern.ts). */
  rules: z.object({ es: patternList, en: patternList }).strict().default({ es: [], en: [] }),
}).strict();

const lexiconSchema = z.record(z.string(), z.object({ en: z.array(z.string()).optional(), es: z.array(z.string()).optional() }).strict());

const answerSchema = z.object({
  /** Act ids of the agent's last message before the customer's (one is enough). */
  agent: z.array(z.string()).min(1),
  /** Act ids of the customer's message (one is enough). */
  customer: z.array(z.string()).min(1),
  /** The signal the answer amounts to, with the customer's words as evidence. */
  signal: z.string(),
  /**
   * Signals of the answering message that the answer stands for instead: a
   * bare "not now" to "would you like to book?" declines that offer, it does
   * not withdraw everything said before.
   */
  replaces: z.array(z.string()).default([]),
}).strict();

const negationSchema = z.object({
  /** How many words before a match are searched for a negator (within the same clause). */
  window: z.number().int().min(0).max(10).optional(),
  es: z.array(z.string()).optional(),
  en: z.array(z.string()).optional(),
}).strict();

const tiersSchema = z.object({
  /** ruleScore at or above which the conversation is `qualified`. */
  qualified: z.number(),
  /** ruleScore at or above which it is `nurturing` (below: `unqualified`). */
  nurturing: z.number(),
}).strict();

export const rawCatalogSchema = z.object({
  id: z.string().min(1),
  version: z.union([z.string(), z.number()]).transform(String),
  description: z.string().optional(),
  extends: z.string().optional(),
  /** Inherited signal ids this catalog removes (e.g. a parent signal that one of its own replaces under another id). */
  drop: z.array(z.string()).default([]),
  negation: negationSchema.optional(),
  tiers: tiersSchema.optional(),
  /** Word classes the rules name as `@class`; a child catalog's words join its parent's class. */
  lexicon: lexiconSchema.default({}),
  /** An answer counts with the question it answers: the agent's act and the customer's act make a signal. */
  answers: z.array(answerSchema).default([]),
  /** Act ids that, in the same sentence, make an intent weak and less sure (conditionals, reported speech). */
  hedges: z.array(z.string()).default([]),
  signals: z.array(signalSchema).default([]),
}).strict();

export type RawCatalog = z.infer<typeof rawCatalogSchema>;
export type RawSignal = z.infer<typeof signalSchema>;

export interface CompiledPattern {
  lang: CatalogLanguage;
  source: string;
  regex: RegExp;
}

export interface CompiledRule extends TokenPattern {
  lang: CatalogLanguage;
  source: string;
}

export interface CompiledSignal {
  id: string;
  description: string;
  category: SignalCategory;
  weight: number;
  /** Intent signals only; null for fit, negative and act. */
  strength: SignalStrength | null;
  role: SignalRole;
  unless: string[];
  unlessIn: 'sentence' | 'message';
  confidence: number;
  negatable: boolean;
  number?: { min?: number; max?: number; unit?: string };
  patterns: CompiledPattern[];
  rules: CompiledRule[];
}

export interface CompiledAnswer { agent: Set<string>; customer: Set<string>; signal: string; replaces: Set<string> }

export interface SignalCatalog {
  id: string;
  /** `id@version`, with the parents' after `+`: what the signals record reports as extractor.rules. */
  version: string;
  description?: string;
  negation: { window: number; words: Record<CatalogLanguage, Set<string>> };
  tiers: { qualified: number; nurturing: number };
  signals: CompiledSignal[];
  byId: Map<string, CompiledSignal>;
  lexicon: Lexicon;
  answers: CompiledAnswer[];
  hedges: Set<string>;
}

const DEFAULT_NEGATION = {
  window: 3,
  es: ['no', 'nunca', 'tampoco', 'ni', 'sin', 'jamas', 'nada', 'ningun', 'ninguna', 'ninguno', 'nop'],
  en: ['not', "don't", 'dont', 'no', 'never', 'without', "doesn't", 'doesnt', "didn't", 'didnt', "won't", 'wont',
    "isn't", "aren't", "wasn't", 'nor', 'neither', "wouldn't", "shouldn't", 'nope', "haven't", "hasn't"],
};
const DEFAULT_TIERS = { qualified: 3, nurturing: 1 };

/** Strips accents from a pattern source so it matches folded text; escapes like \S keep their case. */
function foldPatternSource(source: string): string {
  return source.normalize('NFD').replace(/\p{M}/gu, '');
}

/** A space in a pattern matches any run of whitespace (outside character classes), so authors can write plain phrases. */
function flexibleSpaces(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') { out += ch + (source[i + 1] ?? ''); i++; continue; }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    if (ch === ' ' && !inClass) {
      while (source[i + 1] === ' ') i++;
      // `x ?y` means an optional space: keep it optional rather than a lazy `\s+?`.
      if (source[i + 1] === '?' || source[i + 1] === '*') { out += '\\s*'; i++; continue; }
      out += '\\s+';
      continue;
    }
    out += ch;
  }
  return out;
}

export function compilePattern(source: string): RegExp {
  const body = flexibleSpaces(foldPatternSource(source)).replaceAll('{num}', `(?<num>${NUMBER_SOURCE})`);
  // Unicode-aware word boundaries: \b is ASCII-only in JS regexes.
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'giu');
}

function formatIssues(where: string, error: z.ZodError): string {
  return error.issues.map((i) => `${where}${i.path.length ? ` at ${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

/** Validates one catalog document (not yet merged with its parent). */
export function validateRawCatalog(doc: unknown, where = 'catalog'): RawCatalog {
  const parsed = rawCatalogSchema.safeParse(doc);
  if (!parsed.success) throw configError(`Invalid signal catalog: ${formatIssues(where, parsed.error)}`);
  const cat = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  cat.signals.forEach((s, i) => {
    const at = `${where} signal '${s.id}' (signals.${i})`;
    if (seen.has(s.id)) problems.push(`${at}: duplicate id`);
    seen.add(s.id);
    if (s.category === 'negative' && s.weight > 0) problems.push(`${at}: category negative needs a weight ≤ 0, got ${s.weight}`);
    if (s.category !== 'negative' && s.weight < 0) problems.push(`${at}: a negative weight needs category negative`);
    if (s.category === 'act' && s.weight !== 0) problems.push(`${at}: an act never scores: remove its weight`);
    if (s.strength && s.category !== 'intent') problems.push(`${at}: only intent signals have a strength`);
    if (s.role === 'agent' && s.category !== 'act') problems.push(`${at}: agent messages only carry acts (category act): an agent's words are not the customer's intent`);
    for (const lang of CATALOG_LANGUAGES) {
      s.patterns[lang].forEach((p, k) => {
        if (s.number && !p.includes('{num}')) problems.push(`${at}: pattern ${lang}[${k}] /${p}/ has no {num} although the signal captures a number`);
        if (!s.number && p.includes('{num}')) problems.push(`${at}: pattern ${lang}[${k}] /${p}/ uses {num} but the signal has no number: { min } section`);
        try { compilePattern(p); } catch (err) {
          problems.push(`${at}: pattern ${lang}[${k}] /${p}/ is not a valid regular expression (${(err as Error).message})`);
        }
      });
    }
  });
  if (cat.tiers && cat.tiers.qualified < cat.tiers.nurturing) problems.push(`${where}: tiers.qualified (${cat.tiers.qualified}) is below tiers.nurturing (${cat.tiers.nurturing})`);
  if (problems.length) throw configError(`Invalid signal catalog: ${problems.join('; ')}`, { problems });
  return cat;
}

export interface LoadCatalogOptions {
  /** Folder where catalog names (and `extends`) resolve to `<dir>/<name>.yaml`. */
  dir?: string;
}

/** Finds a catalog document by name or path: a function so tests can resolve from memory. */
export type CatalogResolver = (name: string) => { doc: unknown; where: string };

export function fileResolver(dir: string): CatalogResolver {
  return (name) => {
    const candidates = isAbsolute(name) || name.includes('/') || name.endsWith('.yaml') || name.endsWith('.yml')
      ? [resolve(name)]
      : [join(dir, `${name}.yaml`), join(dir, `${name}.yml`)];
    const file = candidates.find((f) => existsSync(f));
    if (!file) throw configError(`Signal catalog '${name}' not found (looked for ${candidates.join(', ')})`);
    let doc: unknown;
    try { doc = parseYaml(readFileSync(file, 'utf8')); } catch (err) {
      throw configError(`Signal catalog ${file} is not valid YAML: ${(err as Error).message}`);
    }
    return { doc, where: file };
  };
}

/** Builds a compiled catalog from a document, following `extends` through the resolver. */
export function buildCatalog(doc: unknown, resolver: CatalogResolver, where = 'catalog'): SignalCatalog {
  const chain: RawCatalog[] = [];
  let current = validateRawCatalog(doc, where);
  chain.push(current);
  const visited = new Set([current.id]);
  while (current.extends) {
    const parentName = current.extends;
    let found: { doc: unknown; where: string };
    try { found = resolver(parentName); } catch (err) {
      throw configError(`Signal catalog '${current.id}' extends '${parentName}', which cannot be loaded: ${(err as Error).message}`);
    }
    const parent = validateRawCatalog(found.doc, found.where);
    if (visited.has(parent.id)) throw configError(`Signal catalog '${current.id}' extends '${parentName}': cycle through '${parent.id}'`);
    visited.add(parent.id);
    chain.push(parent);
    current = parent;
  }
  // Root first, so children override parents.
  const ordered = [...chain].reverse();
  const signals = new Map<string, RawSignal>();
  let negation = { ...DEFAULT_NEGATION };
  let tiers = DEFAULT_TIERS;
  const lexicon: LexiconSpec = {};
  const answers: RawCatalog['answers'] = [];
  const hedges = new Set<string>();
  for (const c of ordered) {
    for (const id of c.drop) {
      if (!signals.has(id)) throw configError(`Signal catalog '${c.id}' drops '${id}', which no parent catalog defines`);
      signals.delete(id);
    }
    for (const s of c.signals) signals.set(s.id, s);
    if (c.negation) negation = { window: c.negation.window ?? negation.window, es: c.negation.es ?? negation.es, en: c.negation.en ?? negation.en };
    if (c.tiers) tiers = c.tiers;
    for (const [name, byLang] of Object.entries(c.lexicon)) {
      const cur = (lexicon[name] ??= {});
      for (const lang of CATALOG_LANGUAGES) if (byLang[lang]) cur[lang] = [...(cur[lang] ?? []), ...byLang[lang]!];
    }
    answers.push(...c.answers);
    for (const h of c.hedges) hedges.add(h);
  }
  const head = chain[0]!;
  const lex = compileLexicon(lexicon, `${where} lexicon`);
  const known = (cls: string) => lex.classes.has(cls) || (BUILTIN_TAGS as readonly string[]).includes(cls);
  const problems: string[] = [];
  const answerTargets = new Set(answers.map((a) => a.signal));
  const compiled: CompiledSignal[] = [...signals.values()].map((s) => {
    const at = `${where} signal '${s.id}'`;
    const rules: CompiledRule[] = [];
    for (const lang of CATALOG_LANGUAGES) {
      for (const source of s.rules[lang]) {
        try { rules.push({ lang, source, ...compileTokenPattern(source, known, at, lang) }); } catch (err) { problems.push((err as Error).message.replace(/^Invalid signal catalog: /, '')); }
      }
    }
    if (s.patterns.es.length + s.patterns.en.length + rules.length === 0 && !answerTargets.has(s.id)) problems.push(`${at}: no patterns or rules in es or en, and no answer makes it`);
    for (const u of s.unless) if (!signals.has(u)) problems.push(`${at}: unless names '${u}', which is not a signal of this catalog`);
    return {
      id: s.id,
      description: s.description,
      category: s.category,
      weight: s.weight,
      strength: s.category === 'intent' ? s.strength ?? (s.weight >= tiers.qualified ? 'strong' : 'weak') : null,
      role: s.role,
      unless: s.unless,
      unlessIn: s.unlessIn,
      confidence: s.confidence,
      negatable: s.negatable,
      ...(s.number ? { number: s.number } : {}),
      patterns: CATALOG_LANGUAGES.flatMap((lang) => s.patterns[lang].map((source) => ({ lang, source, regex: compilePattern(source) }))),
      rules,
    };
  });
  const byId = new Map(compiled.map((s) => [s.id, s]));
  const isAct = (id: string, role: SignalRole) => byId.get(id)?.category === 'act' && byId.get(id)?.role === role;
  answers.forEach((a, i) => {
    const at = `${where} answers.${i}`;
    for (const id of a.agent) if (!isAct(id, 'agent')) problems.push(`${at}: agent '${id}' is not an agent act (category act, role agent)`);
    for (const id of a.customer) if (!isAct(id, 'customer')) problems.push(`${at}: customer '${id}' is not a customer act (category act)`);
    const target = byId.get(a.signal);
    if (!target || target.category === 'act') problems.push(`${at}: signal '${a.signal}' is not a scoring signal of this catalog`);
    for (const id of a.replaces) if (!byId.has(id)) problems.push(`${at}: replaces '${id}', which is not a signal of this catalog`);
  });
  for (const h of hedges) if (!isAct(h, 'customer')) problems.push(`${where} hedges: '${h}' is not a customer act`);
  if (problems.length) throw configError(`Invalid signal catalog: ${problems.join('; ')}`, { problems });
  return {
    id: head.id,
    version: chain.map((c) => `${c.id}@${c.version}`).join('+'),
    ...(head.description ? { description: head.description } : {}),
    negation: {
      window: negation.window,
      words: { es: new Set(negation.es.map(fold)), en: new Set(negation.en.map(fold)) },
    },
    tiers,
    signals: compiled,
    byId,
    lexicon: lex,
    answers: answers.map((a) => ({ agent: new Set(a.agent), customer: new Set(a.customer), signal: a.signal, replaces: new Set(a.replaces) })),
    hedges,
  };
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/’/g, "'");
}

/** Loads a catalog by name (`default`, `equipment-manufacturer`) or by path to a YAML file. */
export function loadCatalog(nameOrPath: string, opts: LoadCatalogOptions = {}): SignalCatalog {
  const resolver = fileResolver(opts.dir ?? DEFAULT_CATALOG_DIR);
  const root = resolver(nameOrPath);
  // `extends` of a catalog given by path resolves beside that file first, then in the catalogs folder.
  const beside = fileResolver(dirname(root.where));
  const fallback = fileResolver(opts.dir ?? DEFAULT_CATALOG_DIR);
  const chained: CatalogResolver = (name) => { try { return beside(name); } catch { return fallback(name); } };
  return buildCatalog(root.doc, chained, root.where);
}

/** Parses a catalog from YAML text; `extends` resolves through `resolver` (default: the catalogs folder). */
export function parseCatalog(yamlText: string, resolver: CatalogResolver = fileResolver(DEFAULT_CATALOG_DIR)): SignalCatalog {
  let doc: unknown;
  try { doc = parseYaml(yamlText); } catch (err) { throw configError(`Signal catalog is not valid YAML: ${(err as Error).message}`); }
  return buildCatalog(doc, resolver);
}

/**
 * The rules' tier: thresholds on ruleScore, and the tier policy: qualified
 * needs at least one strong intent signal, so weak signals (interest, a price
 * question, product questions) stop at nurturing however many add up.
 */
export function tierFor(catalog: Pick<SignalCatalog, 'tiers'>, ruleScore: number, signals: ReadonlyArray<{ category: string; strength?: SignalStrength | null }> | null = null): Tier {
  if (ruleScore >= catalog.tiers.qualified && (signals === null || signals.some((s) => s.category === 'intent' && s.strength === 'strong'))) return 'qualified';
  if (ruleScore >= catalog.tiers.nurturing) return 'nurturing';
  return 'unqualified';
}
