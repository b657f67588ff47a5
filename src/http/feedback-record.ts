// The record POST /feedback and the board put on leadwire.feedback.v1: the
// feedback stage's contract (src/records/feedback-record.ts,
// schemas/feedback.v1.json), built here from an API request.
import { feedbackId, type FeedbackLabel, type FeedbackRecord } from '../records/feedback-record.js';
import { redactText } from './redact-output.js';

export type { FeedbackRecord };

export function buildFeedbackRecord(input: { conversationId: string; label: FeedbackLabel; reason?: string | null; actor?: string | null }, at: number): FeedbackRecord & { schema: 'leadwire.feedback.v1'; feedback_id: string } {
  // People type phone numbers into free text too: reason and actor are redacted before they reach a topic.
  const actor = redactText(input.actor?.trim() || 'anonymous');
  const reason = input.reason?.trim() ? redactText(input.reason.trim()) : null;
  const rec: FeedbackRecord = { conversation_id: input.conversationId, label: input.label, reason, actor, at };
  // The id the feedback stage would derive, sent explicitly so every consumer sees the same one.
  return { schema: 'leadwire.feedback.v1', feedback_id: feedbackId(rec), ...rec };
}

/** Where feedback goes: the feedback topic on Kafka, or the local runtime's. */
export interface FeedbackSink {
  publish(rec: FeedbackRecord): Promise<void>;
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}
