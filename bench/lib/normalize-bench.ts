// Benchmark 1: the normalize stage on the Kafka runtime (exactly-once,
// transactions) against a raw kafkajs consumer reading the same topic. The
// source topic has 1 partition, like production's (src/topology/topics.ts).
import { startKafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { STAGE } from '../../src/topology/topology.js';
import {
  benchConfig, ratioResult, benchKafka, captureLogger, createTopics, deleteTopics, groupLag, nowMs, pollUntil, probedTopology, rawConsumerRate,
  runMain, uniqueId, withAdmin, type BenchArgs, type BenchResult,
} from './common.js';
import { measureCeilings } from './ceilings.js';
import { conversationTraffic, debeziumInserts, produceAll } from './traffic.js';

export const NORMALIZE_TARGET = 0.6;

export async function normalizeThroughput(args: BenchArgs): Promise<BenchResult> {
  const kafka = benchKafka();
  const app = uniqueId('bench-norm');
  const { config } = benchConfig(app);
  const source = config.topics.source!;
  const records = debeziumInserts(conversationTraffic(args.messages));
  const bytes = records.reduce((n, r) => n + r.value.length, 0);
  await createTopics(kafka, [{ name: source, partitions: 1 }]);
  try {
    const produceMs = await produceAll(kafka, source, records);
    const raw = await rawConsumerRate(kafka, source, records.length);
    const ceilings = await measureCeilings(kafka, source, records.length, app);

    const { topology, probe } = probedTopology(config);
    const logger = captureLogger(undefined, 'warn');
    const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger, stages: [STAGE.normalize] });
    let end: number;
    try {
      end = await withAdmin(kafka, (admin) => pollUntil(async () => probe.firstAt.has(STAGE.normalize) && (await groupLag(admin, `${app}-${STAGE.normalize}`, source)) === 0, 600_000, 'normalize to consume the source topic'));
    } finally {
      await rt.stop();
    }
    const ms = end - probe.firstAt.get(STAGE.normalize)!;
    return ratioResult({
      name: 'normalize throughput', unit: 'msg/s', count: records.length, ms, raw, target: NORMALIZE_TARGET,
      details: { messages: records.length, sourcePartitions: 1, avgEnvelopeBytes: Math.round(bytes / records.length), rawMs: Math.round(raw.ms), stageMs: Math.round(ms), produceMs, processed: probe.counts.get(STAGE.normalize),
        ceilings: Object.values(ceilings).map((c) => ({ name: c.name, msgsPerSec: Math.round(c.msgsPerSec), ratio: Number((c.msgsPerSec / raw.msgsPerSec).toFixed(3)) })),
      },
    });
  } finally {
    await deleteTopics(kafka, app);
  }
}

