// Signals records for labelled conversations, built the way production builds
// them (eval's snapshot → the extract stage's rules): the input of scoring in
// eval, of recalibration from datasets, and of tests.
import { snapshotFromConversation } from './conversation-snapshot.js';
import type { LabelledConversation } from './labelled-conversation.js';
import type { SignalCatalog } from '../processors/extract/catalog.js';
import { extractRules } from '../processors/extract/extract-rules.js';
import type { SignalsRecord } from '../records/signals-record.js';

export function signalsFromLabelled(conv: LabelledConversation, catalog: SignalCatalog, start = 0, snapshotVersion = 1): SignalsRecord {
  const snap = snapshotFromConversation(conv, start);
  const rules = extractRules(snap, catalog, snap.lastMessageAt);
  return {
    schema: 'leadwire.signals.v1',
    conversationId: snap.conversationId,
    snapshotVersion,
    contentHash: snap.contentHash,
    ...rules,
    rulesTier: rules.tier,
    degraded: false,
    extractor: { rules: catalog.version, llm: null },
    revision: 0,
    extractedAt: snap.lastMessageAt,
    contact: snap.contact,
    lastCustomerMessageAt: snap.lastCustomerMessageAt,
    transcript: snap.transcript.map((m) => ({ id: m.id, role: m.role, body: m.body, createdAt: m.createdAt })),
  };
}
