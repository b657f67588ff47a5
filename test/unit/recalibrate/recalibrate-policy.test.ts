// A recalibrated scoring version keeps the tier policy of the version it was
// fitted from: weights and thresholds move, the rule that qualified needs a
// standing strong intent does not.
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/eval/datasets.js';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { loadScoringModel } from '../../../src/processors/score/scoring-model.js';
import { scoreSignals } from '../../../src/processors/score/score-signals.js';
import { signalsFromLabelled } from '../../../src/eval/labelled-signals.js';
import { recalibrate } from '../../../src/recalibrate/recalibrate.js';

describe('recalibration follows the tier policy', () => {
  it('the fitted version carries the policy and caps, and still holds weak-only leads at nurturing', () => {
    const catalog = loadCatalog('default');
    const v2 = loadScoringModel('v2');
    const examples = loadDataset('dstc11-insurance').map((c) => ({ record: signalsFromLabelled(c, catalog), positive: c.label === 'high' }));
    const r = recalibrate(v2, examples, { version: 'v3', l2: 1, minLabels: 50 });
    expect(r.model.policy).toEqual(v2.policy);
    expect(r.model.caps).toEqual(v2.caps);
    for (const e of examples) {
      const s = scoreSignals(e.record, r.model, e.record.lastCustomerMessageAt ?? e.record.extractedAt);
      if (s.tier === 'qualified') expect(s.basis.rule).toBe('strong_intent');
    }
  }, 120_000);
});
