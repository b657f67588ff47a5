// The pure parts of bench/similarity-feature.ts: which datasets index and which are scored in each
// leave-one-dataset-out fold, the rule that combines the rules tier with the similarity feature,
// and choosing that rule's settings on the training folds only.
import { createHash } from 'node:crypto';
import { labelledNeighbourScore, type LabelledNeighbourScore } from '../../src/search/labelled-neighbour-score.js';
import type { ScoredPoint, VectorFilter, VectorStore } from '../../src/adapters/vector-store/vector-store.js';
import { binaryScores } from '../../src/eval/metrics.js';
import type { EvalLabel } from '../../src/eval/labelled-conversation.js';

/** One held-out dataset: the index for it, and the inner folds its rule settings are chosen on. */
export interface LodoFold {
  heldOut: string;
  /** Datasets whose labelled conversations make the index the held-out one is scored against. */
  index: string[];
  /** Training folds: each other dataset scored against an index of the rest (never the held-out one). */
  training: Array<{ scored: string; index: string[] }>;
}

export function lodoFolds(datasets: readonly string[]): LodoFold[] {
  if (new Set(datasets).size !== datasets.length) throw new Error(`lodoFolds: dataset names repeat (${datasets.join(', ')})`);
  if (datasets.length < 3) throw new Error('lodoFolds: needs at least 3 datasets (a training fold needs one to score and one to index)');
  return datasets.map((heldOut) => {
    const others = datasets.filter((d) => d !== heldOut);
    return { heldOut, index: others, training: others.map((scored) => ({ scored, index: others.filter((d) => d !== scored) })) };
  });
}

/** Deterministic sample: the `max` items with the smallest SHA-1 of their id (all of them when max is undefined). */
export function sampleByHash<T>(items: readonly T[], idOf: (x: T) => string, max?: number): T[] {
  if (max === undefined || items.length <= max) return [...items];
  const h = (x: T) => createHash('sha1').update(idOf(x)).digest('hex');
  const keep = new Set(items.map((x) => [h(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, max).map(([, x]) => x));
  return items.filter((x) => keep.has(x));
}

/**
 * How the feature changes the rules' tier. Lift: a conversation the rules did not call high becomes
 * high when its neighbours lean good (score ≥ lift) with enough evidence (support ≥ minSupport).
 * Lower: a high one stops being high when they lean bad (score ≤ −lower). null = that side is off.
 */
export interface CombineRule { k: number; lift: number | null; lower: number | null; minSupport: number }

export const RULES_ONLY: CombineRule = { k: 0, lift: null, lower: null, minSupport: 0 };

export interface FeatureValue { score: number; support: number }

export function combine(rules: EvalLabel, f: FeatureValue | undefined, rule: CombineRule): EvalLabel {
  if (!f || f.support < rule.minSupport || f.support === 0) return rules;
  if (rules !== 'high' && rule.lift !== null && f.score >= rule.lift) return 'high';
  if (rules === 'high' && rule.lower !== null && f.score <= -rule.lower) return 'medium';
  return rules;
}

/** A scored conversation: gold label, the rules' label, and the feature for each k measured. */
export interface Example { actual: EvalLabel; rules: EvalLabel; feature: Record<number, FeatureValue> }

export function f1Of(examples: readonly Example[], rule: CombineRule): number {
  return binaryScores(examples.map((e) => ({ actual: e.actual, predicted: combine(e.rules, e.feature[rule.k], rule) }))).f1;
}

/** Every rule tried: the rules alone first, then each k × lift × lower × support floor (support as k × mean similarity). */
export function ruleGrid(ks: readonly number[], thresholds: readonly number[], meanSimilarities: readonly number[]): CombineRule[] {
  const sides = [null, ...thresholds];
  const grid: CombineRule[] = [RULES_ONLY];
  for (const k of ks) for (const lift of sides) for (const lower of sides) {
    if (lift === null && lower === null) continue;
    for (const m of meanSimilarities) grid.push({ k, lift, lower, minSupport: Math.round(m * k * 1000) / 1000 });
  }
  return grid;
}

export interface Choice { rule: CombineRule; meanF1: number; rulesOnlyMeanF1: number }

/**
 * The rule with the best mean F1 of high over the training folds (each dataset counts once, as in
 * the suite). Ties keep the earlier rule, so the rules alone stay unless something beats them.
 */
export function chooseRule(training: ReadonlyArray<readonly Example[]>, grid: readonly CombineRule[]): Choice {
  if (training.length === 0) throw new Error('chooseRule: no training folds');
  const mean = (rule: CombineRule) => training.reduce((s, ex) => s + f1Of(ex, rule), 0) / training.length;
  const rulesOnlyMeanF1 = mean(RULES_ONLY);
  let best = { rule: grid[0]!, meanF1: mean(grid[0]!) };
  for (const rule of grid.slice(1)) {
    const m = mean(rule);
    if (m > best.meanF1 + 1e-9) best = { rule, meanF1: m };
  }
  return { ...best, rulesOnlyMeanF1 };
}

/**
 * One store per dataset, searched as if they were one: the top `limit` of a union is within the
 * union of each part's top `limit`. Each part remembers its answer for the last query vector (by
 * object), so scoring one conversation against several unions of the same parts costs one search
 * per part and then only merges.
 */
export function partitionedIndex(parts: Record<string, VectorStore>, maxLimit: number) {
  const last = new Map<string, { vector: number[]; filter: string; hits: ScoredPoint[] }>();
  async function partSearch(part: string, vector: number[], filter: VectorFilter | undefined): Promise<ScoredPoint[]> {
    const fk = JSON.stringify(filter ?? {});
    const seen = last.get(part);
    if (seen && seen.vector === vector && seen.filter === fk) return seen.hits;
    const hits = await parts[part]!.search(vector, { limit: maxLimit, ...(filter ? { filter } : {}) });
    last.set(part, { vector, filter: fk, hits });
    return hits;
  }
  /** A read-only store over the named parts (only `search` is served). */
  function view(names: readonly string[]): VectorStore {
    for (const n of names) if (!parts[n]) throw new Error(`partitionedIndex: no part '${n}'`);
    const no = () => { throw new Error('partitionedIndex view is read-only: only search is served'); };
    return {
      kind: 'memory',
      ensureCollection: no, upsert: no, deletePoints: no, deleteConversation: no, setConversationPayload: no, labelOf: no, count: no,
      close: async () => undefined,
      async search(vector, opts) {
        if (opts.limit > maxLimit) throw new Error(`partitionedIndex: limit ${opts.limit} over the ${maxLimit} kept per part`);
        const all: ScoredPoint[] = [];
        for (const n of names) all.push(...await partSearch(n, vector, opts.filter));
        return all.sort((a, b) => b.score - a.score).slice(0, opts.limit);
      },
    };
  }
  return { view };
}

/** The feature for one query vector at each k (one search answers all of them through the memo). */
export async function featureAtKs(store: VectorStore, vector: number[], ks: readonly number[]): Promise<Record<number, FeatureValue>> {
  const out: Record<number, FeatureValue> = {};
  for (const k of ks) {
    const r: LabelledNeighbourScore = await labelledNeighbourScore(store, vector, k);
    out[k] = { score: r.score, support: r.support };
  }
  return out;
}

/** Median and range of a list of numbers. */
export function spread(xs: readonly number[]): { median: number; min: number; max: number } {
  if (xs.length === 0) throw new Error('spread of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
}

/**
 * Area under the ROC curve of a score for a binary label (Mann–Whitney, ties count half): how well
 * the score alone ranks positives above negatives, with no threshold. 0.5 = no better than chance;
 * NaN when one class is missing.
 */
export function rocAuc(pairs: ReadonlyArray<{ positive: boolean; score: number }>): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const midRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (sorted[t]!.positive) { rankSumPos += midRank; pos++; }
    i = j;
  }
  const neg = sorted.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
