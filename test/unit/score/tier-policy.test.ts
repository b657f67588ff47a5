// The tier policy of scoring v2: qualified needs a strong intent that no later
// withdrawal took back; weak signals stop at nurturing; the LLM cannot move a
// lead to qualified against it; records from before the policy (no strength)
// read as they did.
import { describe, expect, it } from 'vitest';
import type { Signal, SignalsRecord } from '../../../src/records/signals-record.js';
import { loadScoringModel, validateScoringModel } from '../../../src/processors/score/scoring-model.js';
import { scoreSignals } from '../../../src/processors/score/score-signals.js';

const v2 = loadScoringModel('v2');
const v1 = loadScoringModel('v1');
const T = Date.UTC(2026, 4, 1);

function sig(id: string, category: Signal['category'], weight: number, messageId: string, strength?: 'strong' | 'weak'): Signal {
  return { id, category, weight, confidence: 0.9, evidence: [{ messageId, quote: id }], source: 'rules', ...(strength ? { strength } : {}) };
}

function record(signals: Signal[], over: Partial<SignalsRecord> = {}): SignalsRecord {
  const ids = [...new Set(signals.flatMap((s) => s.evidence.map((e) => e.messageId)))].sort();
  return {
    schema: 'leadwire.signals.v1', conversationId: '1', snapshotVersion: 1, contentHash: 'h', signals,
    implicit: { sentiment: { score: 0, label: 'neutral', messages: [] }, customerMessages: ids.length, agentMessages: 0, agentResponseMedianMs: null, recencyMs: 0, sharedContact: false },
    ruleScore: signals.reduce((a, s) => a + s.weight, 0), tier: 'nurturing', rulesTier: 'nurturing', language: 'es', degraded: false,
    extractor: { rules: 'default@2', llm: null }, revision: 0, extractedAt: T, lastCustomerMessageAt: T,
    transcript: ids.map((id, i) => ({ id, role: 'customer' as const, body: id, createdAt: T - (ids.length - i) * 1000 })),
    ...over,
  };
}

describe('tier policy (scoring v2)', () => {
  it('v2 needs a strong intent; v1 has no policy', () => {
    expect(v2.policy.qualifiedNeedsStrong).toBe(true);
    expect(v1.policy.qualifiedNeedsStrong).toBe(false);
  });

  it('weak signals whose sum crosses the threshold stop at nurturing, and say so', () => {
    const rec = record([sig('interested', 'intent', 2, '1', 'weak'), sig('asks_price', 'intent', 1.5, '2', 'weak')]);
    const r = scoreSignals(rec, v2, T);
    expect(r.rulesTier).toBe('nurturing');
    expect(r.basis).toEqual({ rule: 'no_strong_intent', signal: null, quote: null });
    // The same record under v1 (no policy) is qualified: the policy, not the weights, holds it.
    expect(scoreSignals(rec, v1, T).tier).toBe('qualified');
  });

  it('one strong intent qualifies, and the deciding evidence leads the reasons', () => {
    const r = scoreSignals(record([sig('asks_price', 'intent', 1.5, '1', 'weak'), sig('asks_quote', 'intent', 4, '2', 'strong')]), v2, T);
    expect(r.tier).toBe('qualified');
    expect(r.basis).toMatchObject({ rule: 'strong_intent', signal: 'asks_quote' });
    expect(r.reasons.positive[0]!.id).toBe('asks_quote');
  });

  it('a withdrawal after the strong intent takes it back; a strong intent after the withdrawal stands', () => {
    const taken = scoreSignals(record([sig('asks_quote', 'intent', 4, '1', 'strong'), sig('interested', 'intent', 2, '2', 'weak'), sig('withdraws', 'negative', -1, '3')]), v2, T);
    expect(taken.tier).toBe('nurturing');
    expect(taken.basis.rule).toMatch(/capped|withdrawn/);
    const again = scoreSignals(record([sig('withdraws', 'negative', -1, '1'), sig('asks_quote', 'intent', 4, '2', 'strong')]), v2, T);
    expect(again.tier).toBe('qualified');
  });

  it('a decline withdraws what was asked for, not a purchase already accepted before it', () => {
    const asked = record([sig('ready_to_buy', 'intent', 4, '1', 'strong'), sig('declines_offer', 'negative', -1, '2')]);
    expect(scoreSignals(asked, v2, T).tier).toBe('nurturing');
    const accepted = record([sig('accepts_offer', 'intent', 4, '1', 'strong'), sig('declines_offer', 'negative', -1, '2')]);
    expect(scoreSignals(accepted, v2, T).tier).toBe('qualified');
    // A plain withdrawal still takes an accepted offer back.
    const withdrawn = record([sig('accepts_offer', 'intent', 4, '1', 'strong'), sig('withdraws', 'negative', -1, '2')]);
    expect(scoreSignals(withdrawn, v2, T).tier).toBe('nurturing');
  });

  it('the LLM may lift a lead to qualified only if a strong intent stands', () => {
    const weak = record([sig('interested', 'intent', 2, '1', 'weak')], {
      extractor: { rules: 'default@2', llm: { model: 'm', promptVersion: 'extract.v2' } },
      llm: { tierSuggestion: { tier: 'qualified', confidence: 0.95, messageIds: ['1'] } } as unknown as SignalsRecord['llm'],
    });
    expect(scoreSignals(weak, v2, T).tier).toBe('nurturing');
    expect(scoreSignals(weak, v1, T).tier).toBe('qualified');
  });

  it('records written before the policy (no strength) read as strong intent', () => {
    const old = record([sig('asks_quote', 'intent', 4, '1')]);
    expect(scoreSignals(old, v2, T).tier).toBe('qualified');
  });

  it('the policy block is validated', () => {
    expect(() => validateScoringModel({ ...v2, policy: { qualifiedNeedsStrong: 'yes' } })).toThrow(/policy/);
  });
});
