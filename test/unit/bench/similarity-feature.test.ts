// The similarity-feature bench's data: what may be indexed and what is scored, per dataset of the
// eval suite, and the results it gives run-all's table.
import { describe, expect, it } from 'vitest';
import { datasetParts, similarityResults, type SimilarityFigures } from '../../../bench/similarity-feature.js';
import { SUITE } from '../../../src/eval/run-suite.js';

describe('datasetParts', () => {
  const parts = datasetParts(15);

  it('covers the suite in its order, at most the sample size per part', () => {
    expect(parts.map((p) => p.name)).toEqual(SUITE.map((d) => d.name));
    for (const p of parts) {
      expect(p.index.length).toBeGreaterThan(0);
      expect(p.index.length).toBeLessThanOrEqual(15);
      expect(p.evaluated.length).toBeLessThanOrEqual(15);
    }
    expect(parts.find((p) => p.name === 'persuasionforgood')!.reportOnly).toBe(true);
  });

  it('indexes a dataset\'s own train/dev split and scores its test split, never the same conversation', () => {
    for (const name of ['hint3-sofmattress', 'clinc150']) {
      const p = parts.find((x) => x.name === name)!;
      const scored = new Set(p.evaluated.map((c) => c.key));
      expect(p.index.every((c) => c.key.includes('/train/') && !scored.has(c.key))).toBe(true);
      expect(p.evaluated.every((c) => c.key.includes('/test/'))).toBe(true);
    }
  });

  it('uses all of a dataset with no split for both (it is never indexed while it is scored)', () => {
    const p = parts.find((x) => x.name === 'dstc11-insurance')!;
    expect(p.evaluated).toBe(p.index);
  });

  it('takes a subset, and refuses a name outside the suite', () => {
    expect(datasetParts(5, ['dstc11-insurance', 'hint3-sofmattress']).map((p) => p.name)).toEqual(['hint3-sofmattress', 'dstc11-insurance']);
    expect(() => datasetParts(5, ['nope'])).toThrow(/not in the eval suite/);
  });

  it('labels each conversation with the suite\'s gold label and the rules\' prediction', () => {
    for (const p of parts) for (const c of [...p.index, ...p.evaluated]) {
      expect(['high', 'medium', 'low']).toContain(c.actual);
      expect(['high', 'medium', 'low']).toContain(c.rules);
    }
  });
});

describe('similarityResults', () => {
  const row = (heldOut: string, rules: number, sim: number) => ({
    heldOut, reportOnly: false, scored: 10, high: 3, indexed: 20,
    rules: { precision: 1, recall: 1, f1: rules }, withSimilarity: { precision: 1, recall: 1, f1: sim }, deltaF1: sim - rules,
    rule: { k: 10, lift: 0.6, lower: null, minSupport: 3 }, trainingMeanF1: { rules: 0.5, chosen: 0.6 }, changed: { lifted: 1, lowered: 0 },
  });
  const measured = { embedder: 'local-hash-v1', rows: [row('a', 0.5, 0.6), row('b', 0.8, 0.7)], deltaF1: { median: 0, min: -0.1, max: 0.1 }, deltaF1IntentDatasets: { median: 0, min: -0.1, max: 0.1 }, embedSeconds: 1, searchSeconds: 1 };

  it('gives one reported result per embedder measured, with the per-dataset figures in its summary', () => {
    const fig = { hashing: measured, onnx: null, sample: 'all', command: 'npx tsx bench/similarity-feature.ts' } as unknown as SimilarityFigures;
    const rs = similarityResults(fig);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.value).toBe(0);
    expect(rs[0]!.target).toEqual({ kind: 'ratio>=', value: 0 });
    expect(rs[0]!.details.summary).toContain('a 0.500 → 0.600, b 0.800 → 0.700');
    expect(rs[0]!.details.summary).toContain('range -0.100 to +0.100');
    expect(similarityResults({ ...fig, onnx: measured } as SimilarityFigures).map((r) => r.name)).toEqual([
      'similarity to good leads, leave-one-dataset-out change in F1 of high, hashing embedder',
      'similarity to good leads, leave-one-dataset-out change in F1 of high, onnx embedder',
    ]);
  });
});
