// The quality bar of the rules, in CI: every shipped dataset's F1 of high must
// stay at or above its floor in eval-floors.json (the measured value minus
// 0.02, committed with the catalog change that measured it). Raise a floor in
// the commit that raises the figure; a catalog change that lowers one fails
// here. The same run checks the suite's shape and that the ten-keyword
// baseline is computed beside each figure.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSuite, SUITE, type SuiteReport } from '../../../src/eval/run-suite.js';

const floors = JSON.parse(readFileSync(new URL('./eval-floors.json', import.meta.url), 'utf8')) as { margin: number; f1: Record<string, number> };

describe('eval suite floors (rules only, default catalog, active scoring)', () => {
  let suite: SuiteReport;
  beforeAll(() => { suite = runSuite(); }, 600_000);

  it('covers every shipped dataset, each with the baseline beside it and a full confusion matrix', () => {
    expect(suite.rows.map((r) => r.dataset)).toEqual(SUITE.map((d) => d.name));
    for (const r of suite.rows) {
      const total = Object.values(r.rules.confusion).reduce((a, row) => a + row.high + row.medium + row.low, 0);
      expect(total, r.dataset).toBe(r.count);
      const base = Object.values(r.baseline.confusion).reduce((a, row) => a + row.high + row.medium + row.low, 0);
      expect(base, r.dataset).toBe(r.count);
      expect(r.labels.high + r.labels.medium + r.labels.low).toBe(r.count);
    }
    expect(suite.fitted).toMatch(/^nothing/);
  });

  for (const d of SUITE) {
    it(`${d.name}: F1 of high at or above its floor`, () => {
      const row = suite.rows.find((r) => r.dataset === d.name)!;
      const floor = floors.f1[d.name];
      expect(floor, `${d.name} has no floor in eval-floors.json`).toBeTypeOf('number');
      expect(row.rules.high.f1).toBeGreaterThanOrEqual(floor!);
    });
  }
});
