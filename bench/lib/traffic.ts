// Benchmark input: the realistic conversation traffic of test/helpers/traffic.ts
// (DESIGN.md's shapes) as the Debezium envelopes the connector writes, and as
// the NormalizedMessages the window reads.
import type { Kafka } from 'kafkajs';
import { generateConversations } from '../../test/helpers/traffic.js';
import { makeDebeziumEvent } from '../../test/fixtures/debezium/make-event.js';
import type { NormalizedMessage } from '../../src/records/normalized-message.js';
import { stampEventTime } from '../../src/adapters/kafka/event-time.js';

/**
 * A business a hundred times the size of the sample one (DESIGN.md): a new
 * conversation every ~22 s. It also keeps a 100k-message run inside a few days
 * of event time, well within the topics' 7-day retention.
 */
export const ARRIVAL_MEAN_MS = 22_000;
/**
 * Real wire_messages ids are bigserials far below 2^53; the test generator's
 * ids start above it on purpose. Benchmarks use the realistic range.
 */
const FIRST_ID = 48_000_000n;

/** Exactly `n` messages of realistic conversations, ordered by createdAt, ending about now. */
export function conversationTraffic(n: number, seed = 20261125): NormalizedMessage[] {
  // ~9 messages per conversation (customers p50 7 plus agents); ask for more and cut.
  let conversations = Math.ceil(n / 6);
  for (;;) {
    const span = conversations * ARRIVAL_MEAN_MS;
    const msgs = generateConversations({ conversations, seed, startMs: Date.now() - span - 6 * 3600_000, arrivalMeanMs: ARRIVAL_MEAN_MS });
    if (msgs.length >= n) {
      return msgs.slice(0, n).map((m, i) => ({ ...m, id: String(FIRST_ID + BigInt(i)) }));
    }
    conversations = Math.ceil(conversations * 1.5);
  }
}

export interface SourceRecord { key: Buffer; value: Buffer; timestamp: number }

/** The Debezium insert (op c) event Kafka Connect would write for each message. */
export function debeziumInserts(messages: NormalizedMessage[]): SourceRecord[] {
  return messages.map((m) => {
    const e = makeDebeziumEvent({
      id: m.id, conversation_id: m.conversationId, sendable_id: m.sender.id, sendable_type: m.sender.type,
      body: m.body, type: m.type, created_at: m.createdAt, updated_at: m.updatedAt ?? m.createdAt,
    }, 'c');
    return { key: e.keyBytes, value: e.value, timestamp: e.timestamp };
  });
}

/** Writes records onto a topic in ~1 MB requests (not transactional, like Kafka Connect's default producer). */
/**
 * Writes records in order (a 1-partition source topic must hold commit order):
 * one ~900 KB request at a time from an idempotent producer. With several
 * requests in flight kafkajs regularly landed a later one first.
 */
export async function produceAll(kafka: Kafka, topic: string, records: Array<{ key: Buffer | string | null; value: Buffer | string | null; timestamp?: number; partition?: number }>): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  try {
    for (let i = 0; i < records.length;) {
      const messages = [];
      for (let bytes = 0; i < records.length && bytes < 900 * 1024; i++) {
        const r = records[i]!;
        // As leadwire's writers do (event-time.ts): old event times as Kafka timestamps would be deleted by retention mid-run.
        const now = Date.now();
        messages.push({ key: r.key, value: r.value, ...(r.timestamp !== undefined ? stampEventTime(r.timestamp, now) : {}), ...(r.partition !== undefined ? { partition: r.partition } : {}) });
        bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0) + 40;
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return Date.now() - started;
}
