// Applies records of leadwire's topics to an in-memory read model. One
// function for both sources of records: the local runtime's in-memory topics
// and a Kafka consumer. Records that do not parse are skipped and counted:
// the read side never stops on one bad record (the writers own the DLQ).
import type { TopicsConfig } from '../config/schema.js';
import type { LeadEventRecord, LeadScoreRecord } from '../records/lead-records.js';
import type { ConversationSnapshot } from '../records/conversation-snapshot.js';
import type { SignalsRecord } from '../records/signals-record.js';
import type { LocalRuntime } from '../runtime/local-runtime.js';
import { feedbackRecordSchema } from '../records/feedback-record.js';
import { linesFromSignals, type MemoryLeadReadModel } from './memory-lead-read-model.js';

export type FeedTopics = Pick<TopicsConfig, 'leadScores' | 'leadEvents' | 'feedback' | 'conversations' | 'signals'>;

/** The topics the read model needs, in the order a replay should apply them (transcripts before scores). */
export function feedTopicList(t: FeedTopics): string[] {
  return [t.conversations, t.signals, t.leadScores, t.leadEvents, t.feedback];
}

/**
 * Decodes a value: plain JSON, or the Confluent wire format (magic byte 0 and a
 * 4-byte schema id before the JSON) when a schema registry is configured.
 */
export function decodeTopicValue(value: Buffer | null): unknown {
  if (!value || value.length === 0) return null;
  const body = value[0] === 0 && value.length > 5 ? value.subarray(5) : value;
  return JSON.parse(body.toString('utf8'));
}

export function createTopicApplier(topics: FeedTopics, model: MemoryLeadReadModel, onBadRecord: (topic: string, err: unknown) => void = () => {}) {
  return (topic: string, value: Buffer | null): void => {
    let v: unknown;
    try { v = decodeTopicValue(value); } catch (err) { onBadRecord(topic, err); return; }
    if (!v || typeof v !== 'object') return;
    try {
      if (topic === topics.leadScores) model.applyScore(v as LeadScoreRecord);
      else if (topic === topics.leadEvents) model.applyEvent(v as LeadEventRecord);
      else if (topic === topics.feedback) {
        // Other systems write this topic: only what the feedback stage would accept counts.
        const f = feedbackRecordSchema.safeParse(v);
        if (f.success) model.applyFeedback(f.data);
        else onBadRecord(topic, new Error(f.error.issues[0]?.message ?? 'not a feedback record'));
      }
      else if (topic === topics.conversations) model.applySnapshot(v as ConversationSnapshot);
      else if (topic === topics.signals) {
        const s = v as SignalsRecord;
        if (s.transcript) model.applyTranscript(s.conversationId, s.snapshotVersion, linesFromSignals(s.transcript));
      }
    } catch (err) {
      onBadRecord(topic, err);
    }
  };
}

/**
 * Feeds the read model from the local runtime: what its topics already hold,
 * then every new record as it is appended. Returns the unsubscribe function.
 */
export function feedFromLocalRuntime(rt: Pick<LocalRuntime, 'subscribe' | 'read'>, topics: FeedTopics, model: MemoryLeadReadModel, onBadRecord?: (topic: string, err: unknown) => void): () => void {
  const apply = createTopicApplier(topics, model, onBadRecord);
  const offs: Array<() => void> = [];
  for (const topic of feedTopicList(topics)) {
    for (const r of rt.read(topic)) apply(topic, r.value === null ? null : Buffer.from(JSON.stringify(r.value)));
    offs.push(rt.subscribe(topic, (m) => apply(topic, m.value)));
  }
  return () => { for (const off of offs) off(); };
}
