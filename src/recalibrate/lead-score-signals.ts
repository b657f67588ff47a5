// A signals record rebuilt from a stored lead score (its signals summary keeps
// every signal with its evidence): what recalibration fits on and what
// `leadwire rescore` feeds back to the score stage under a new scoring version.
import type { SignalsRecord } from '../records/signals-record.js';
import type { LeadScoreRecord } from '../records/lead-records.js';

export function signalsFromLeadScore(rec: LeadScoreRecord): SignalsRecord {
  const label = rec.implicit.sentiment > 0.05 ? 'positive' : rec.implicit.sentiment < -0.05 ? 'negative' : 'neutral';
  const ruleScore = Math.round(rec.signals.reduce((s, x) => s + x.weight, 0) * 1000) / 1000;
  return {
    schema: 'leadwire.signals.v1',
    conversationId: rec.conversationId,
    snapshotVersion: rec.snapshotVersion,
    revision: rec.revision ?? 0,
    contentHash: rec.contentHash,
    signals: rec.signals.map((s) => ({ id: s.id, category: s.category, weight: s.weight, confidence: s.confidence, ...(s.strength ? { strength: s.strength } : {}), ...(s.value !== undefined ? { value: s.value } : {}), evidence: s.evidence, source: s.source })),
    implicit: {
      sentiment: { score: rec.implicit.sentiment, label, messages: [] },
      customerMessages: rec.implicit.customerMessages,
      agentMessages: rec.implicit.agentMessages,
      agentResponseMedianMs: null,
      recencyMs: null,
      sharedContact: rec.implicit.sharedContact,
    },
    ruleScore,
    tier: rec.tier,
    rulesTier: rec.tier,
    language: rec.language,
    degraded: rec.degraded,
    extractor: { rules: rec.versions.catalog, llm: rec.versions.model && rec.versions.prompt ? { model: rec.versions.model, promptVersion: rec.versions.prompt } : null },
    extractedAt: rec.scoredAt,
    contact: rec.contact,
    lastCustomerMessageAt: rec.lastCustomerMessageAt,
  };
}
