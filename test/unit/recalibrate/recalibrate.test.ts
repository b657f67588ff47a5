// Recalibration on labelled sets built from ../shared/datasets: fit on one part,
// judge on labels held back. The candidate must be at least as precise as v1.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/eval/datasets.js';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { loadScoringModel, validateScoringModel } from '../../../src/processors/score/scoring-model.js';
import { signalsFromLabelled } from '../../../src/recalibrate/labelled-signals.js';
import { precisionOf, recalibrate, type LabelledExample } from '../../../src/recalibrate/recalibrate.js';

const catalog = loadCatalog('default');
const v1 = loadScoringModel('v1');
const examples = (name: string, split?: 'train' | 'test') =>
  loadDataset(name, split ? { split } : {}).map((c) => ({ id: c.conversation_id, record: signalsFromLabelled(c, catalog), positive: c.label === 'high' }));
/** A fixed 30 % hold-out by hash of the id: the same split every run, no peeking. */
const heldBack = (id: string) => createHash('sha1').update(id).digest()[0]! < 77;

describe('recalibration', () => {
  it.each([
    ['hint3-sofmattress: fit on train, judge on test', () => [examples('hint3-sofmattress', 'train'), examples('hint3-sofmattress', 'test')]],
    ['dstc11-insurance: 70 / 30 split', () => { const d = examples('dstc11-insurance'); return [d.filter((e) => !heldBack(e.id)), d.filter((e) => heldBack(e.id))]; }],
    ['persuasionforgood outcomes: 70 / 30 split', () => { const d = examples('persuasionforgood'); return [d.filter((e) => !heldBack(e.id)), d.filter((e) => heldBack(e.id))]; }],
  ] as Array<[string, () => LabelledExample[][]]>)('%s: held-back precision ≥ v1', (_name, split) => {
    const [train, test] = split();
    const r = recalibrate(v1, train!, { version: 'v2', l2: 1, minLabels: 50 });
    const before = precisionOf(v1, test!);
    const after = precisionOf(r.model, test!);
    console.log(_name, JSON.stringify({ before, after, thresholds: r.model.thresholds }));
    expect(after.qualified).toBeGreaterThan(0);
    expect(after.precision).toBeGreaterThanOrEqual(before.precision);
    // The output is a valid, loadable scoring model of the new version.
    expect(validateScoringModel(JSON.parse(JSON.stringify(r.model))).version).toBe('v2');
    expect(r.model.intentDecay).toEqual(v1.intentDecay);
  }, 120_000);

  it('refuses to fit on too few labels or on one class only', () => {
    const d = examples('dstc11-insurance');
    expect(() => recalibrate(v1, d.slice(0, 10), { version: 'v2', l2: 1, minLabels: 50 })).toThrow(/at least 50/);
    expect(() => recalibrate(v1, d.filter((e) => !e.positive).slice(0, 60), { version: 'v2', l2: 1, minLabels: 50 })).toThrow(/good and bad/);
  });
});
