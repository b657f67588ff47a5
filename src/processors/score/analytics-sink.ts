// The analytics sink: every lead score on leadwire.lead-scores.v1 into the
// AnalyticsStore (score history, the lead list). At-least-once is enough: the
// store ignores an event id it already has.
import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { retriable } from '../feedback/feedback-processor.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../stream/processor-api.js';
import type { LeadScoreRecord } from '../../records/lead-records.js';

/** Plain JSON, or JSON in the schema registry's wire format (magic byte 0, 4-byte schema id). */
export function decodePayload(bytes: Buffer): unknown {
  const body = bytes.length > 5 && bytes[0] === 0 ? bytes.subarray(5) : bytes;
  return JSON.parse(body.toString('utf8'));
}

function isLeadScore(v: unknown): v is LeadScoreRecord {
  const r = v as LeadScoreRecord | null;
  return !!r && r.schema === 'leadwire.lead-scores.v1' && typeof r.eventId === 'string' && typeof r.conversationId === 'string' && !!r.versions;
}

export function createAnalyticsSinkProcessor(ports: { analytics: AnalyticsStore }): Processor<Buffer, never> {
  let ctx!: ProcessorContext<never>;
  return {
    async init(c) {
      ctx = c;
      await retriable('analytics init', () => ports.analytics.init());
    },
    async process(record: StreamRecord<Buffer>) {
      if (record.value === null) return;
      let value: unknown;
      try { value = decodePayload(record.value); } catch (err) {
        ctx.deadLetter({ reason: 'invalid_json', message: (err as Error).message, original: record.value });
        return;
      }
      if (!isLeadScore(value)) {
        ctx.deadLetter({ reason: 'invalid_lead_score', message: 'not a leadwire.lead-scores.v1 record', original: record.value });
        return;
      }
      await retriable('store lead score', () => ports.analytics.recordScore(value as LeadScoreRecord));
    },
    close() {},
  };
}
