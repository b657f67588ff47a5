// The rules-only quality bar: a catalog change that drops high-intent F1 below
// 0.80 on either public dataset fails CI. Needs shared/datasets beside the repo
// (or LEADWIRE_DATASETS).
import { describe, expect, it } from 'vitest';
import { runEval } from '../../../src/eval/run-eval.js';

describe('high-intent F1 targets (rules only, default catalog)', () => {
  it('hint3-sofmattress test split ≥ 0.80', () => {
    const r = runEval({ dataset: 'hint3-sofmattress', split: 'test' });
    expect(r.count).toBeGreaterThan(390);
    expect(r.high.f1).toBeGreaterThanOrEqual(0.8);
  }, 60_000);

  it('dstc11-insurance ≥ 0.80', () => {
    const r = runEval({ dataset: 'dstc11-insurance' });
    expect(r.count).toBe(913);
    expect(r.high.f1).toBeGreaterThanOrEqual(0.8);
  }, 60_000);

  it('persuasionforgood converts (conversation level, report only)', () => {
    const r = runEval({ dataset: 'persuasionforgood' });
    expect(r.count).toBeGreaterThan(1000);
    expect(r.labels.high + r.labels.low).toBe(r.count);
  }, 120_000);
});
