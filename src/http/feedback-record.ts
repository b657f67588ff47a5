// The record POST /feedback and the board put on leadwire.feedback.v1.
// Fields as issue 6 names them (conversation, label, reason, actor, at); the
// feedback stage (src/processors/feedback/) consumes it.
import { createHash } from 'node:crypto';
import type { FeedbackLabel } from './lead-read-model.js';
import { redactText } from './redact-output.js';

export interface FeedbackRecord {
  schema: 'leadwire.feedback.v1';
  /** sha256 of (conversation, label, actor, at): a retried POST with the same time is dropped downstream. */
  eventId: string;
  conversationId: string;
  label: FeedbackLabel;
  reason: string | null;
  actor: string;
  at: number;
  source: 'api' | 'board';
}

export function buildFeedbackRecord(input: { conversationId: string; label: FeedbackLabel; reason?: string | null; actor?: string | null; source?: 'api' | 'board' }, at: number): FeedbackRecord {
  const actor = input.actor?.trim() || 'anonymous';
  // People type phone numbers into free text too; the reason is redacted before it reaches a topic.
  const reason = input.reason?.trim() ? redactText(input.reason.trim()) : null;
  const eventId = createHash('sha256').update(`${input.conversationId}\u0000${input.label}\u0000${actor}\u0000${at}`).digest('hex').slice(0, 32);
  return { schema: 'leadwire.feedback.v1', eventId, conversationId: input.conversationId, label: input.label, reason, actor: redactText(actor), at, source: input.source ?? 'api' };
}

/** Where feedback goes: the feedback topic on Kafka, or the local runtime's. */
export interface FeedbackSink {
  publish(rec: FeedbackRecord): Promise<void>;
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}
