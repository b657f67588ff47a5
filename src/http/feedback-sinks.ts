// The two places feedback goes: the local runtime's feedback topic (embedded
// mode) or the feedback topic on Kafka. Both key by conversation id, so the
// feedback of one conversation stays ordered on one partition.
import type { Kafka } from '../adapters/kafka/kafka-client.js';
import { createEventTimeProducer } from '../adapters/kafka/event-time-producer.js';
import { topicPartitionCount } from '../adapters/kafka/topic-admin.js';
import type { LocalRuntime } from '../runtime/local-runtime.js';
import type { FeedbackRecord, FeedbackSink } from './feedback-record.js';
import { cloudEventHeaders } from '../records/cloud-events.js';
import { feedbackId } from '../records/feedback-record.js';

export function localFeedbackSink(rt: Pick<LocalRuntime, 'produce'>, topic: string): FeedbackSink {
  return {
    async publish(rec) {
      rt.produce(topic, { key: rec.conversation_id, value: rec, timestamp: rec.at, headers: feedbackHeaders(rec) });
    },
    async ready() { return { ok: true, detail: `local runtime topic ${topic}` }; },
    async close() {},
  };
}

/** An idempotent producer; the first publish connects, so a server starts while Kafka is still coming up. */
export function kafkaFeedbackSink(kafka: Kafka, topic: string): FeedbackSink {
  const producer = createEventTimeProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  return {
    async publish(rec) {
      await producer.send(topic, [{ key: rec.conversation_id, value: JSON.stringify(rec), eventTime: rec.at, headers: feedbackHeaders(rec) }]);
    },
    async ready() {
      try {
        const parts = await topicPartitionCount(kafka, topic);
        return parts > 0 ? { ok: true, detail: `${topic}: ${parts} partitions` } : { ok: false, detail: `${topic} has no partitions` };
      } catch (err) {
        return { ok: false, detail: `${topic}: ${(err as Error).message} (run \`leadwire topics create\`)` };
      }
    },
    async close() {
      await producer.disconnect();
    },
  };
}

/** CloudEvents attributes as headers, like the lead topics carry. */
function feedbackHeaders(rec: FeedbackRecord): Record<string, string> {
  return cloudEventHeaders({ id: rec.feedback_id ?? feedbackId(rec), type: 'dev.leadwire.feedback.v1', source: '/leadwire/http', time: rec.at, subject: rec.conversation_id });
}
