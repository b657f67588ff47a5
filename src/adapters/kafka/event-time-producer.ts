// The one producer of records with an event time (see event-time.ts): used by
// every writer outside the stage runners' transactions (the Kafka pipeline
// target of backfill and replay, rescore, the feedback sink).
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { stampEventTime } from './event-time.js';

export interface EventTimeRecord {
  key: string | null;
  value: string | Buffer;
  /** Event time (epoch ms): goes in the event-time header; the Kafka timestamp is the write time. */
  eventTime: number;
  headers?: Record<string, string>;
}

export interface EventTimeProducer {
  /** Connects now (else the first send connects): lets a caller fail early when Kafka is down. */
  connect(): Promise<void>;
  /** Sends with acks from every in-sync replica; one request per call. */
  send(topic: string, records: EventTimeRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createEventTimeProducer(kafka: Kafka, cfg: Pick<ProducerConfig, 'idempotent' | 'maxInFlightRequests'> = { idempotent: true, maxInFlightRequests: 1 }): EventTimeProducer {
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  // A failed connect is forgotten, so a server that started while Kafka was coming up connects on a later send.
  const connect = () => {
    connecting ??= (async () => {
      const p = kafka.producer(cfg);
      try { await p.connect(); } catch (err) { connecting = undefined; throw err; }
      producer = p;
      return p;
    })();
    return connecting;
  };
  return {
    async connect() { await connect(); },
    async send(topic, records) {
      const p = await connect();
      const now = Date.now();
      await p.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, ...stampEventTime(r.eventTime, now, r.headers) })) });
    },
    async disconnect() { await producer?.disconnect(); },
  };
}
