// Benchmark 2: normalize + window on the Kafka runtime (both stages in one
// process, each its own consumer group and transactions) against the raw
// kafkajs consumer on the same source topic. Done when the window has
// processed and committed every message normalize produced.
import { startKafkaRuntime, type KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { STAGE } from '../../src/topology/topology.js';
import {
  benchConfig, ratioResult, benchKafka, captureLogger, createTopics, deleteTopics, groupLag, nowMs, pollUntil, probedTopology, rawConsumerRate,
  uniqueId, withAdmin, type BenchArgs, type BenchResult,
} from './common.js';
import { conversationTraffic, debeziumInserts, produceAll } from './traffic.js';

export const PIPELINE_TARGET = 0.4;

/** Waits until a stage has processed `n` records and committed all of them. */
export async function stageDone(rt: KafkaRuntime, stage: string, counts: Map<string, number>, n: number, timeoutMs: number): Promise<number> {
  await pollUntil(async () => {
    const r = rt.runners.find((x) => x.spec.name === stage);
    return !!r && (counts.get(stage) ?? 0) >= n && r.stats.inFlight === 0;
  }, timeoutMs, `${stage} to process ${n} records`, 10);
  // The last units may sit in the transaction being committed: wait for it.
  await rt.runners.find((x) => x.spec.name === stage)!.commit();
  return nowMs();
}

export async function pipelineThroughput(args: BenchArgs): Promise<BenchResult> {
  const kafka = benchKafka();
  const app = uniqueId('bench-pipe');
  const { config } = benchConfig(app);
  const source = config.topics.source!;
  const records = debeziumInserts(conversationTraffic(args.messages));
  await createTopics(kafka, [{ name: source, partitions: 1 }, { name: config.topics.messages, partitions: config.kafka.partitions }, { name: config.topics.conversations, partitions: config.kafka.partitions }]);
  try {
    await produceAll(kafka, source, records);
    const raw = await rawConsumerRate(kafka, source, records.length);

    const { topology, probe } = probedTopology(config);
    const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: captureLogger(undefined, 'warn'), stages: [STAGE.normalize, STAGE.window] });
    let normEnd: number;
    let end: number;
    try {
      normEnd = await withAdmin(kafka, (admin) => pollUntil(async () => probe.firstAt.has(STAGE.normalize) && (await groupLag(admin, `${app}-${STAGE.normalize}`, source)) === 0, 600_000, 'normalize to consume the source topic', 50));
      // Every source record is a distinct insert: normalize forwards exactly one message for each.
      end = await stageDone(rt, STAGE.window, probe.counts, records.length, 600_000);
    } finally {
      await rt.stop();
    }
    const ms = end - probe.firstAt.get(STAGE.normalize)!;
    return ratioResult({
      name: 'normalize + window throughput', unit: 'msg/s', count: records.length, ms, raw, target: PIPELINE_TARGET,
      details: {
        messages: records.length, sourcePartitions: 1, messagesPartitions: config.kafka.partitions,
        rawMs: Math.round(raw.ms), stageMs: Math.round(ms), normalizeDoneMs: Math.round(normEnd - probe.firstAt.get(STAGE.normalize)!),
        windowProcessed: probe.counts.get(STAGE.window),
      },
    });
  } finally {
    await deleteTopics(kafka, app);
  }
}
