// The feedback stage: leadwire.feedback.v1 → stored labels (AnalyticsStore),
// the label on the conversation's vector payload (VectorStore, when present),
// and metrics. Writes are idempotent on the feedback id, so redelivery is safe.
import type { AnalyticsStore, FeedbackEntry } from '../../ports/analytics-store.js';
import { LeadwireError } from '../../core/errors.js';
import { withRetry } from '../../core/retry.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../stream/processor-api.js';
import { feedbackMetrics } from './feedback-metrics.js';
import { feedbackId, feedbackRecordSchema, isPositive } from '../../records/feedback-record.js';

/** The part of the VectorStore port feedback needs (src/adapters/vector-store/). */
export interface FeedbackLabelSink {
  setConversationPayload(conversationId: string, patch: { label?: 'good' | 'bad' | null }): Promise<void>;
}

export interface FeedbackPorts {
  analytics: AnalyticsStore;
  vectors?: FeedbackLabelSink;
}

/** Store errors are worth retrying (a database restart); a bad record is not and never gets here. */
export function retriable<T>(op: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(async () => {
    try { return await fn(); } catch (err) {
      throw new LeadwireError(`${op}: ${(err as Error).message}`, { kind: 'unavailable', cause: err });
    }
  }, { retries: 4, initialDelayMs: 200, maxDelayMs: 5_000, jitter: 1 });
}

export function createFeedbackProcessor(ports: FeedbackPorts): Processor<unknown, never> {
  let ctx!: ProcessorContext<never>;
  let judgedQualified = 0;
  let positiveQualified = 0;
  return {
    init(c) { ctx = c; },

    async process(record: StreamRecord<unknown>) {
      if (record.value === null) return;
      const parsed = feedbackRecordSchema.safeParse(record.value);
      if (!parsed.success) {
        ctx.deadLetter({ reason: 'invalid_feedback', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ') });
        return;
      }
      const f = parsed.data;
      const latest = await retriable('latest score', () => ports.analytics.latestScore(f.conversation_id));
      const entry: FeedbackEntry = {
        feedbackId: feedbackId(f), conversationId: f.conversation_id, label: f.label, reason: f.reason ?? null, actor: f.actor, at: f.at,
        tierAtFeedback: latest?.tier ?? null, scoringVersion: latest?.versions.scoring ?? null,
      };
      const inserted = await retriable('store feedback', () => ports.analytics.recordFeedback(entry));
      // Similarity to known good / bad leads reads this label; `lost` counts as bad: it is the outcome the feature predicts.
      if (ports.vectors) await retriable('vector label', () => ports.vectors!.setConversationPayload(f.conversation_id, { label: isPositive(f.label) ? 'good' : 'bad' }));
      if (!inserted) return;
      ctx.metrics().count(feedbackMetrics.labels, { label: f.label, tier: entry.tierAtFeedback ?? 'unscored' });
      if (entry.tierAtFeedback === 'qualified') {
        judgedQualified++;
        if (isPositive(f.label)) positiveQualified++;
        ctx.metrics().set(feedbackMetrics.qualifiedPrecision, positiveQualified / judgedQualified);
      }
      ctx.logger.info({ conversationId: f.conversation_id, label: f.label, tier: entry.tierAtFeedback }, 'feedback stored');
    },

    close() {},
  };
}
