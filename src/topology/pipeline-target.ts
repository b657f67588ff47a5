import type { Logger } from 'pino';
import { buildPorts } from './ports.js';
import type { Config } from '../config/schema.js';
import { sourceTopic } from '../config/schema.js';
import { buildTopology, type TopologyPorts } from './topology.js';
import { createLocalRuntime, type LocalRuntime } from '../runtime/local-runtime.js';
import { createKafka } from '../adapters/kafka/kafka-factory.js';
import { createEventTimeProducer } from '../adapters/kafka/event-time-producer.js';
import type { SignalsRecord } from '../records/signals-record.js';
import type { LeadScoreRecord } from '../records/lead-records.js';
import type { SourceRecord } from '../sources/source-record.js';

export type { SourceRecord };

/** Where backfill and replay send Debezium-shaped records: the local topology, or the source topic on Kafka. */
export interface PipelineTarget {
  push(records: SourceRecord[]): Promise<void>;
  /** Flushes; the local target returns the latest signals and lead score per conversation. */
  finish(): Promise<{ signals: SignalsRecord[]; scores: LeadScoreRecord[] } | undefined>;
}

export interface LocalTarget extends PipelineTarget {
  runtime: LocalRuntime;
  /** Runs until idle and fires every wall timer (the input so far is complete), keeping the runtime up. */
  settle(): Promise<void>;
  /** The latest lead score per conversation so far: what a CRM consuming the compacted topic would hold. */
  latestScores(): LeadScoreRecord[];
}

/** The whole topology on the local runtime; `ports` are the caller's (e.g. a vector store shared with the API). */
export function localTarget(config: Config, logger: Logger, ports: TopologyPorts = {}): LocalTarget {
  const rt = createLocalRuntime(buildTopology(config, buildPorts(config, { logger }, ports)), { clock: { now: () => Date.now() }, logger, partitions: config.kafka.partitions });
  const src = sourceTopic(config.topics);
  const latest = new Map<string, SignalsRecord>();
  const scores = new Map<string, LeadScoreRecord>();
  rt.subscribe(config.topics.signals, (m) => {
    if (!m.value) return;
    const r = JSON.parse(m.value.toString()) as SignalsRecord;
    latest.set(r.conversationId, r);
  });
  rt.subscribe(config.topics.leadScores, (m) => {
    if (!m.value) return;
    const r = JSON.parse(m.value.toString()) as LeadScoreRecord;
    scores.set(r.conversationId, r);
  });
  return {
    runtime: rt,
    async push(records) {
      for (const r of records) rt.produce(src, { key: r.key, value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value), timestamp: r.timestamp });
      await rt.runUntilIdle();
    },
    async settle() {
      await rt.runUntilIdle({ flushWallTimers: true });
    },
    latestScores: () => [...scores.values()],
    async finish() {
      // The input is complete: every open session is quiet now.
      await rt.runUntilIdle({ flushWallTimers: true });
      await rt.stop();
      return { signals: [...latest.values()], scores: [...scores.values()] };
    },
  };
}

export async function kafkaTarget(config: Config, logger: Logger): Promise<PipelineTarget> {
  const producer = createEventTimeProducer(createKafka(config.kafka, logger), { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = sourceTopic(config.topics);
  return {
    async push(records) {
      await producer.send(topic, records.map((r) => ({ key: r.key, value: r.value, eventTime: r.timestamp })));
    },
    async finish() { await producer.disconnect(); return undefined; },
  };
}
