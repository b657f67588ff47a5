// The pure parts of the similarity-feature bench: folds that never let the held-out dataset into an
// index or a threshold, the combination rule, the choice of its settings, and the partitioned index
// that must answer exactly as one store holding the same points.
import { describe, expect, it } from 'vitest';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';
import { pointId, type VectorPoint } from '../../../src/adapters/vector-store/vector-store.js';
import type { EvalLabel } from '../../../src/eval/labelled-conversation.js';
import { labelledNeighbourScore } from '../../../src/search/labelled-neighbour-score.js';
import {
  chooseRule, combine, f1Of, featureAtKs, lodoFolds, partitionedIndex, rocAuc, ruleGrid, RULES_ONLY, sampleByHash, spread,
  type CombineRule, type Example,
} from '../../../bench/lib/similarity-lodo.js';

const ex = (actual: EvalLabel, rules: EvalLabel, score: number, support = 5, k = 10): Example => ({ actual, rules, feature: { [k]: { score, support } } });

describe('lodoFolds', () => {
  const names = ['a', 'b', 'c', 'd'];
  const folds = lodoFolds(names);

  it('holds each dataset out once, indexing all the others', () => {
    expect(folds.map((f) => f.heldOut)).toEqual(names);
    for (const f of folds) expect([...f.index].sort()).toEqual(names.filter((n) => n !== f.heldOut));
  });

  it('keeps the held-out dataset out of every training fold, scored or indexed', () => {
    for (const f of folds) {
      expect(f.training.map((t) => t.scored).sort()).toEqual(names.filter((n) => n !== f.heldOut));
      for (const t of f.training) {
        expect(t.index).not.toContain(f.heldOut);
        expect(t.index).not.toContain(t.scored);
        expect(t.index).toHaveLength(names.length - 2);
      }
    }
  });

  it('refuses repeated names and too few datasets', () => {
    expect(() => lodoFolds(['a', 'b', 'a'])).toThrow(/repeat/);
    expect(() => lodoFolds(['a', 'b'])).toThrow(/at least 3/);
  });
});

describe('sampleByHash', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}` }));

  it('keeps everything without a cap, and the same subset in input order with one', () => {
    expect(sampleByHash(items, (x) => x.id)).toEqual(items);
    const s = sampleByHash(items, (x) => x.id, 10);
    expect(s).toHaveLength(10);
    expect(sampleByHash([...items].reverse(), (x) => x.id, 10).map((x) => x.id).sort()).toEqual(s.map((x) => x.id).sort());
    expect(s.map((x) => items.indexOf(x))).toEqual([...s.map((x) => items.indexOf(x))].sort((a, b) => a - b));
  });
});

describe('combine', () => {
  const rule: CombineRule = { k: 10, lift: 0.6, lower: 0.4, minSupport: 2 };
  it('lifts to high only when neighbours lean good enough with enough support', () => {
    expect(combine('medium', { score: 0.7, support: 3 }, rule)).toBe('high');
    expect(combine('low', { score: 0.5, support: 3 }, rule)).toBe('low');
    expect(combine('low', { score: 0.9, support: 1 }, rule)).toBe('low');
  });
  it('lowers high only when neighbours lean bad enough', () => {
    expect(combine('high', { score: -0.4, support: 3 }, rule)).toBe('medium');
    expect(combine('high', { score: -0.3, support: 3 }, rule)).toBe('high');
  });
  it('leaves the rules alone with no neighbours, no feature, or a side switched off', () => {
    expect(combine('low', { score: 0, support: 0 }, { ...rule, lift: 0 as number, minSupport: 0 })).toBe('low');
    expect(combine('low', undefined, rule)).toBe('low');
    expect(combine('low', { score: 1, support: 9 }, { ...rule, lift: null })).toBe('low');
    expect(combine('high', { score: -1, support: 9 }, RULES_ONLY)).toBe('high');
  });
});

describe('f1Of', () => {
  it('is the F1 of high after the rule', () => {
    const xs = [ex('high', 'high', 0), ex('high', 'low', 0.9), ex('low', 'high', -0.9), ex('low', 'low', 0)];
    // rules alone: tp 1, fp 1, fn 1 → P = R = F1 = 0.5
    expect(f1Of(xs, RULES_ONLY)).toBe(0.5);
    // lifting the 0.9 and lowering the −0.9 makes every prediction right
    expect(f1Of(xs, { k: 10, lift: 0.8, lower: 0.8, minSupport: 0 })).toBe(1);
    expect(f1Of([ex('low', 'low', 0)], RULES_ONLY)).toBe(0);
  });
});

describe('ruleGrid', () => {
  it('starts with the rules alone and never holds a rule with both sides off', () => {
    const g = ruleGrid([5, 10], [0.5, 1], [0, 0.5]);
    expect(g[0]).toEqual(RULES_ONLY);
    expect(g.slice(1).every((r) => r.lift !== null || r.lower !== null)).toBe(true);
    // per k: (3 × 3 − 1) side pairs × 2 floors
    expect(g).toHaveLength(1 + 2 * 8 * 2);
    expect(g.filter((r) => r.k === 10).map((r) => r.minSupport)).toContain(5);
  });
});

describe('chooseRule', () => {
  const grid = ruleGrid([10], [0.5], [0]);

  it('picks what helps on the training folds', () => {
    const train = [[ex('high', 'low', 0.9), ex('low', 'low', 0.1), ex('high', 'high', 0.2)], [ex('high', 'medium', 0.8), ex('low', 'low', -0.5)]];
    const c = chooseRule(train, grid);
    expect(c.rule).toMatchObject({ k: 10, lift: 0.5 });
    expect(c.meanF1).toBeGreaterThan(c.rulesOnlyMeanF1);
  });

  it('keeps the rules alone when nothing beats them on the training folds', () => {
    const train = [[ex('high', 'high', -0.9), ex('low', 'low', 0.9)], [ex('high', 'high', 0), ex('low', 'low', 0.95)]];
    expect(chooseRule(train, grid).rule).toEqual(RULES_ONLY);
  });

  it('sees only the folds it is given: a held-out set that would reward lifting changes nothing', () => {
    const train = [[ex('high', 'high', 0), ex('low', 'low', 0.9)]];
    const heldOut = [ex('high', 'low', 0.9), ex('high', 'low', 0.9)];
    const c = chooseRule(train, grid);
    expect(c.rule).toEqual(RULES_ONLY);
    expect(f1Of(heldOut, c.rule)).toBe(0);
    expect(() => chooseRule([], grid)).toThrow(/no training folds/);
  });
});

describe('partitionedIndex', () => {
  const rnd = (seed: number) => () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 - 0.5; };
  const r = rnd(7);
  const vec = () => { const v = Array.from({ length: 8 }, r); const n = Math.hypot(...v); return v.map((x) => x / n); };
  const point = (part: string, i: number): VectorPoint => ({
    id: pointId(`${part}-${i}`, 0), vector: vec(),
    payload: { conversation_id: `${part}-${i}`, chunk: 0, chunks: 1, language: '', tier: '', label: i % 3 ? 'bad' : 'good', first_message_at: 0, last_message_at: 0, snapshot_version: 0, content_hash: '', text: '', embedder: 't' },
  });
  const parts = { a: Array.from({ length: 30 }, (_, i) => point('a', i)), b: Array.from({ length: 25 }, (_, i) => point('b', i)), c: Array.from({ length: 20 }, (_, i) => point('c', i)) };

  it('answers every union of parts as one store holding the same points', async () => {
    const stores = Object.fromEntries(await Promise.all(Object.entries(parts).map(async ([n, ps]) => { const s = createMemoryVectorStore(); await s.upsert(ps); return [n, s] as const; })));
    const idx = partitionedIndex(stores, 20);
    for (const names of [['a', 'b', 'c'], ['a', 'c'], ['b']]) {
      const one = createMemoryVectorStore();
      await one.upsert(names.flatMap((n) => parts[n as keyof typeof parts]));
      for (let q = 0; q < 5; q++) {
        const v = vec();
        for (const k of [1, 5]) expect(await labelledNeighbourScore(idx.view(names), v, k)).toEqual(await labelledNeighbourScore(one, v, k));
        expect(await featureAtKs(idx.view(names), v, [5])).toEqual({ 5: { score: (await labelledNeighbourScore(one, v, 5)).score, support: (await labelledNeighbourScore(one, v, 5)).support } });
      }
    }
  });

  it('refuses a limit over what it keeps, unknown parts and writes', async () => {
    const idx = partitionedIndex({ a: createMemoryVectorStore() }, 4);
    await expect(idx.view(['a']).search([1, 0], { limit: 5 })).rejects.toThrow(/over the 4/);
    expect(() => idx.view(['z'])).toThrow(/no part/);
    expect(() => idx.view(['a']).upsert([])).toThrow(/read-only/);
  });
});

describe('spread', () => {
  it('gives median and range', () => {
    expect(spread([3, -1, 2])).toEqual({ median: 2, min: -1, max: 3 });
    expect(spread([0.1, -0.2, 0.3, 0])).toEqual({ median: 0.05, min: -0.2, max: 0.3 });
    expect(() => spread([])).toThrow();
  });
});

describe('rocAuc', () => {
  const p = (positive: boolean, score: number) => ({ positive, score });
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties, half credit for tied pairs', () => {
    expect(rocAuc([p(true, 0.9), p(true, 0.8), p(false, 0.1), p(false, -0.5)])).toBe(1);
    expect(rocAuc([p(true, -0.9), p(false, 0.8)])).toBe(0);
    expect(rocAuc([p(true, 0), p(false, 0), p(true, 0), p(false, 0)])).toBe(0.5);
    // pairs (pos, neg): (0.5, 0.5) tie = ½, (0.5, 0.1) = 1, (0.2, 0.5) = 0, (0.2, 0.1) = 1 → 2.5 / 4
    expect(rocAuc([p(true, 0.5), p(true, 0.2), p(false, 0.5), p(false, 0.1)])).toBe(0.625);
  });
  it('is NaN with one class only', () => {
    expect(rocAuc([p(true, 1), p(true, 0)])).toBeNaN();
  });
});
