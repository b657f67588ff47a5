import type { LeadEventRecord, LeadScoreRecord } from '../../../src/records/lead-records.js';
import type { Tier } from '../../../src/records/tier.js';

export function leadScore(over: Partial<LeadScoreRecord> & { conversationId: string }): LeadScoreRecord {
  const snapshotVersion = over.snapshotVersion ?? 1;
  return {
    schema: 'leadwire.lead-scores.v1',
    eventId: `${over.conversationId}-${snapshotVersion}-v1`,
    snapshotVersion,
    revision: 0,
    contentHash: 'ab12345678cd',
    score: 50,
    probability: 0.5,
    tier: 'nurturing',
    previousTier: null,
    tierSource: 'rules',
    components: { fit: 0, intent: 1, negative: 0, implicit: 0, raw: 1 },
    reasons: {
      positive: [{ signal: 'asks_price', kind: 'intent', points: 1.5, messageId: '2', quote: 'precio' }],
      negative: [],
    },
    signals: [{ id: 'asks_price', category: 'intent', weight: 1.5, confidence: 0.9, source: 'rules', evidence: [{ messageId: '2', quote: 'precio' }] }],
    implicit: { sharedContact: false, customerMessages: 2, agentMessages: 1, sentiment: 0 },
    contact: { type: 'App\\Models\\Customer', id: '5000' },
    language: 'es',
    segment: null,
    degraded: false,
    versions: { scoring: 'v1', catalog: 'default@1', prompt: null, model: null },
    lastCustomerMessageAt: 1_764_000_000_000,
    scoredAt: 1_764_000_000_000,
    ...over,
  };
}

export function leadEvent(conversationId: string, toTier: Tier, over: Partial<LeadEventRecord> = {}): LeadEventRecord {
  return {
    schema: 'leadwire.lead-events.v1',
    eventId: `${conversationId}-${toTier}`,
    type: toTier === 'qualified' ? 'lead.qualified' : toTier === 'nurturing' ? 'lead.nurturing' : 'lead.disqualified',
    conversationId,
    snapshotVersion: 1,
    fromTier: null,
    toTier,
    score: 90,
    probability: 0.9,
    reasons: { positive: [], negative: [] },
    contact: null,
    language: 'es',
    segment: null,
    actions: [{ type: 'alert', severity: 'high' }, { type: 'assign', seller: 'ana', rule: 'round-robin' }],
    suppressed: [],
    seller: 'ana',
    versions: { scoring: 'v1', catalog: 'default@1', prompt: null, model: null },
    at: 1_764_000_000_000,
    ...over,
  };
}
