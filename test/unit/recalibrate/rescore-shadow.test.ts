import { mkdtempSync, copyFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryAnalyticsStore } from '../../../src/adapters/analytics/memory-analytics-store.js';
import { DEFAULT_SCORING_DIR, loadScoringModel, readPointer, validateScoringModel } from '../../../src/processors/score/scoring-model.js';
import { candidates, planRescore, rescoreRecords } from '../../../src/recalibrate/rescore.js';
import { nextVersion, setPointer, writeScoringModel } from '../../../src/recalibrate/scoring-files.js';
import { shadowReport } from '../../../src/recalibrate/shadow-report.js';
import { signalsFromLeadScore } from '../../../src/recalibrate/lead-score-signals.js';
import { scoreSignals } from '../../../src/processors/score/score-signals.js';
import { leadScore } from '../../contract/analytics-contract.js';

const v1 = loadScoringModel('v1');
const T = Date.UTC(2026, 5, 1);

describe('rescore plan', () => {
  const lead = (id: string, at: number, prompt: string | null) => ({ conversationId: id, scoredAt: at, scoringVersion: 'v1', promptVersion: prompt });

  it('goes newest first and stops LLM work at the ceiling, letting scoring-only work through', () => {
    const plan = planRescore([lead('a', 1, 'p1'), lead('b', 5, 'p1'), lead('c', 3, 'p2'), lead('d', 4, 'p1'), lead('e', 2, null)], { promptVersion: 'p2', maxLlmCalls: 2 });
    expect(plan.items.map((i) => [i.conversationId, i.needsLlm])).toEqual([['b', true], ['d', true], ['c', false]]);
    expect(plan.deferred.map((i) => i.conversationId)).toEqual(['e', 'a']);
    expect(plan.llmCalls).toBe(2);
    const noLlm = planRescore([lead('a', 1, 'p1'), lead('b', 2, null)], { promptVersion: null, maxLlmCalls: 0 });
    expect(noLlm.items.map((i) => i.conversationId)).toEqual(['b', 'a']);
  });

  it('republishes the latest signals of stale leads with their original time; they re-score to the same result under the same model', async () => {
    const a = createMemoryAnalyticsStore();
    await a.recordScore(leadScore('x', { scoredAt: T }));
    await a.recordScore(leadScore('y', { scoredAt: T + 1, versions: { scoring: 'v2', catalog: 'default@1', prompt: null, model: null } }));
    const o = { scoringVersion: 'v2', promptVersion: null, staleOnly: true, maxLlmCalls: 0, limit: 10 };
    const plan = planRescore(await candidates(a, o), o);
    expect(plan.items.map((i) => i.conversationId)).toEqual(['x']);
    expect((await candidates(a, { ...o, staleOnly: false })).map((c) => c.conversationId)).toEqual(['y', 'x']);
    const [rec] = await rescoreRecords(a, plan);
    expect(rec!.timestamp).toBe(T);
    expect(rec!.value.signals.map((s) => s.id)).toEqual(['asks_quote']);
    const stored = (await a.latestScore('x'))!;
    const again = scoreSignals(signalsFromLeadScore(stored), v1, T);
    expect(again.reasons.positive[0]!.quote).toBe('quiero una cotización');
  });
});

describe('scoring versions and shadow report', () => {
  it('writes a new immutable version, moves pointers, and loads through them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoring-'));
    copyFileSync(join(DEFAULT_SCORING_DIR, 'scoring.v1.yaml'), join(dir, 'scoring.v1.yaml'));
    expect(nextVersion(dir)).toBe('v2');
    const v2 = validateScoringModel({ ...v1, version: 'v2', weights: { asks_quote: 5 } });
    writeScoringModel(v2, dir);
    expect(() => writeScoringModel(v2, dir)).toThrow(/immutable/);
    expect(readFileSync(join(dir, 'scoring.v2.yaml'), 'utf8')).toContain('asks_quote: 5');
    expect(loadScoringModel('active', dir).version).toBe('v1');
    setPointer('shadow', 'v2', dir);
    expect(loadScoringModel('shadow', dir).weights.asks_quote).toBe(5);
    setPointer('active', 'v2', dir);
    setPointer('shadow', null, dir);
    expect(readPointer('active', dir)).toBe('v2');
    expect(existsSync(join(dir, 'SHADOW'))).toBe(false);
    expect(() => loadScoringModel('shadow', dir)).toThrow(/No shadow/);
  });

  it('reports live agreement and precision of both versions against labels', async () => {
    const a = createMemoryAnalyticsStore();
    const strict = validateScoringModel({ ...v1, version: 'v2', thresholds: { qualified: 99, nurturing: 25 }, hysteresis: { qualified: 0, nurturing: 0 } });
    await a.recordScore(leadScore('g', { shadow: { scoringVersion: 'v2', score: 70, probability: 0.6, tier: 'qualified' } }));
    await a.recordScore(leadScore('b', { shadow: { scoringVersion: 'v2', score: 40, probability: 0.3, tier: 'nurturing' } }));
    const fb = (id: string, label: 'good' | 'bad') => ({ feedbackId: id, conversationId: id, label, reason: null, actor: 'x', at: T, tierAtFeedback: 'qualified' as const, scoringVersion: 'v1' });
    await a.recordFeedback(fb('g', 'good'));
    await a.recordFeedback(fb('b', 'bad'));
    const r = await shadowReport(a, v1, strict);
    expect(r.live).toEqual({ scored: 2, agreement: 0.5, matrix: { 'qualified→qualified': 1, 'qualified→nurturing': 1 } });
    expect(r.labelled.count).toBe(2);
    expect(r.labelled.active).toMatchObject({ qualified: 2, tp: 1, precision: 0.5 });
    expect(r.labelled.shadow.qualified).toBeLessThan(2);
  });
});
