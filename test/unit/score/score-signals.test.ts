import { describe, expect, it } from 'vitest';
import { loadScoringModel, validateScoringModel } from '../../../src/processors/score/scoring-model.js';
import { calibrate, intentDecay, reconcileTier, scoreFromRaw, scoreSignals, tierFromScore } from '../../../src/processors/score/score-signals.js';
import { tierFor } from '../../../src/processors/extract/catalog.js';
import { catalog, HOT, LUKEWARM, signals, SUPPORT, T0 } from './fixtures.js';

const v1 = loadScoringModel('v1');
const DAY = 24 * 3600 * 1000;

describe('scoring model file', () => {
  it('loads v1 and rejects an inconsistent model with the path of the problem', () => {
    expect(v1.version).toBe('v1');
    expect(() => validateScoringModel({ ...v1, thresholds: { qualified: 20, nurturing: 40 } })).toThrow(/thresholds.qualified/);
    expect(() => validateScoringModel({ ...v1, hysteresis: { qualified: 50, nurturing: 0 } })).toThrow(/hysteresis/);
    expect(() => validateScoringModel({ ...v1, extra: 1 })).toThrow(/extra|Unrecognized/);
  });

  it('v1 tiers equal the catalog tiers for every rule score on the 0.5 grid', () => {
    for (let raw = -6; raw <= 12; raw += 0.5) {
      expect(tierFromScore(scoreFromRaw(raw, v1), v1, null), `raw ${raw}`).toBe(tierFor(catalog, raw));
    }
  });

  it('calibration is monotone and ~0.5 at the qualified threshold', () => {
    expect(calibrate(65, v1)).toBeCloseTo(0.5, 1);
    expect(calibrate(90, v1)).toBeGreaterThan(calibrate(65, v1));
    expect(calibrate(10, v1)).toBeLessThan(0.05);
  });
});

describe('scoreSignals', () => {
  it('qualifies a hot conversation, with positive reasons quoting the customer', () => {
    const rec = signals('c1', HOT);
    const r = scoreSignals(rec, v1, T0 + 60_000);
    expect(r.tier).toBe('qualified');
    expect(r.score).toBeGreaterThanOrEqual(v1.thresholds.qualified);
    expect(r.score).toBeLessThanOrEqual(100);
    expect(r.intent).toBeGreaterThan(0);
    expect(r.reasons.positive.length).toBeGreaterThan(0);
    const bodies = HOT.filter((m) => m.role === 'customer').map((m) => m.body);
    for (const reason of r.reasons.positive) {
      expect(reason.quote).toBeTruthy();
      expect(bodies.some((b) => b.includes(reason.quote!))).toBe(true);
    }
    expect(r.reasons.positive.map((x) => x.id)).toContain('asks_quote');
  });

  it('negative reasons list objections and support, worst first', () => {
    const r = scoreSignals(signals('c2', SUPPORT), v1, T0);
    expect(r.tier).toBe('unqualified');
    expect(r.reasons.negative.length).toBeGreaterThan(0);
    const pts = r.reasons.negative.map((x) => x.points);
    expect([...pts].sort((a, b) => a - b)).toEqual(pts);
    expect(r.reasons.negative[0]!.quote).toBeTruthy();
  });

  it('intent decays after the grace period with the configured half-life; fit does not', () => {
    expect(intentDecay(30 * 60_000, v1)).toBe(1);
    expect(intentDecay(v1.intentDecay.graceMs + v1.intentDecay.halfLifeMs, v1)).toBeCloseTo(0.5, 6);
    const rec = signals('c3', HOT);
    const fresh = scoreSignals(rec, v1, T0 + 60_000);
    const old = scoreSignals(rec, v1, T0 + 30 * DAY);
    expect(old.intent).toBeLessThan(fresh.intent / 8);
    expect(old.fit).toBe(fresh.fit);
    expect(old.tier).not.toBe('qualified');
    // Deterministic: the same record at the same event time scores the same.
    expect(scoreSignals(rec, v1, T0 + 30 * DAY)).toEqual(old);
  });

  it('hysteresis: a qualified lead stays qualified just below the threshold, a new one does not enter', () => {
    const justBelow = v1.thresholds.qualified - v1.hysteresis.qualified / 2;
    expect(tierFromScore(justBelow, v1, 'qualified')).toBe('qualified');
    expect(tierFromScore(justBelow, v1, 'nurturing')).toBe('nurturing');
    expect(tierFromScore(justBelow, v1, null)).toBe('nurturing');
    expect(tierFromScore(v1.thresholds.qualified - v1.hysteresis.qualified - 0.1, v1, 'qualified')).toBe('nurturing');
  });

  it('the LLM moves the tier one step at most and only when sure enough', () => {
    expect(reconcileTier('unqualified', { tier: 'qualified', confidence: 0.9 }, v1)).toEqual({ tier: 'nurturing', source: 'llm' });
    expect(reconcileTier('qualified', { tier: 'unqualified', confidence: 0.95 }, v1)).toEqual({ tier: 'nurturing', source: 'llm' });
    expect(reconcileTier('nurturing', { tier: 'qualified', confidence: 0.5 }, v1)).toEqual({ tier: 'nurturing', source: 'rules' });
    expect(reconcileTier('nurturing', null, v1)).toEqual({ tier: 'nurturing', source: 'rules' });
  });

  it('uses the tier suggestion of a record from a working LLM, ignores a degraded one', () => {
    const base = signals('c4', LUKEWARM);
    expect(scoreSignals(base, v1, T0).tier).toBe('nurturing');
    const llm = { tierSuggestion: { tier: 'qualified' as const, confidence: 0.9, messageIds: ['1'] } } as never;
    const withLlm = { ...base, llm, extractor: { ...base.extractor, llm: { model: 'm', promptVersion: 'p' } } };
    const r = scoreSignals(withLlm, v1, T0);
    expect(r.tier).toBe('qualified');
    expect(r.rulesTier).toBe('nurturing');
    expect(r.tierSource).toBe('llm');
    expect(scoreSignals({ ...withLlm, degraded: true }, v1, T0).tier).toBe('nurturing');
  });

  it('a fitted model with complete weights ignores catalog weights it does not list', () => {
    const m = validateScoringModel({ ...v1, version: 'vt', weights: { asks_price: 3 }, weightsComplete: true });
    const r = scoreSignals(signals('c5', HOT), m, T0);
    expect(r.contributions.map((c) => c.id)).toEqual([]);
    const r2 = scoreSignals(signals('c6', LUKEWARM), m, T0);
    expect(r2.contributions.map((c) => c.id)).toEqual(['asks_price']);
  });
});
