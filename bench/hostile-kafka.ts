// Hostile input on the Kafka runtime: the normalize stage (exactly-once, as
// production runs it) reads N good envelopes alone, and the same N good
// envelopes with the 10,000 hostile records of test/helpers/hostile.ts mixed in;
// the figure is the rate of good records with the hostile ones against the clean
// rate. Rounds alternate the order (clean first, then mixed first, ...) and the
// median of the per-round ratios is reported, because one pair on this shared
// machine moves by more than the 10 % being measured. Each run is its own
// consumer group and transactional id on the same two pre-filled topics.
//   node bin/run-ts.js bench/hostile-kafka.ts [--quick | --messages N] [--rounds R] [--json]
import { startKafkaRuntime } from '../src/runtime/kafka/kafka-runtime.js';
import { STAGE } from '../src/topology/topology.js';
import { generateHostile } from '../test/helpers/hostile.js';
import {
  benchConfig, benchKafka, captureLogger, createTopics, deleteTopics, groupLag, median, pollUntil, probedTopology, roundsArg, runMain,
  uniqueId, withAdmin, type BenchArgs, type BenchResult,
} from './lib/common.js';
import { conversationTraffic, debeziumInserts, produceAll } from './lib/traffic.js';

export const HOSTILE_TARGET = 0.9;
const HOSTILE = 10_000;

/** Time from normalize's first record until its group has committed everything on `topic`. */
async function normalizeRun(app: string, topic: string): Promise<number> {
  const run = uniqueId(`${app}-run`);
  const { config } = benchConfig(run, { LEADWIRE_SOURCE_TOPIC: topic });
  const { topology, probe } = probedTopology(config);
  const logger = captureLogger(undefined, 'warn');
  const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger, stages: [STAGE.normalize] });
  const kafka = benchKafka();
  let end: number;
  try {
    end = await withAdmin(kafka, (admin) => pollUntil(async () => probe.firstAt.has(STAGE.normalize) && (await groupLag(admin, `${run}-${STAGE.normalize}`, topic)) === 0, 600_000, `normalize to consume ${topic}`));
  } finally {
    await rt.stop();
  }
  await deleteTopics(kafka, run);
  return end - probe.firstAt.get(STAGE.normalize)!;
}

export async function run(args: BenchArgs, rounds = roundsArg(3)): Promise<BenchResult> {
  const kafka = benchKafka();
  const app = uniqueId('bench-hostile-kafka');
  const good = debeziumInserts(conversationTraffic(args.messages));
  const hostile = generateHostile({ count: HOSTILE, seed: 11, startMs: Date.UTC(2026, 3, 1), firstId: 900_000_000_000n, conversationBase: 800_000_000n });
  // One hostile record after every n/10k good ones, as in bench/hostile-throughput.ts.
  const every = Math.max(1, Math.floor(good.length / hostile.length));
  const rest = [...hostile];
  const mixed: Array<{ key: Buffer | string | null; value: Buffer | string | null }> = [];
  good.forEach((g, k) => { mixed.push(g); if (k % every === 0 && rest.length) mixed.push(rest.shift()!); });
  mixed.push(...rest);
  const clean = `${app}.clean`;
  const dirty = `${app}.mixed`;
  await createTopics(kafka, [{ name: clean, partitions: 1 }, { name: dirty, partitions: 1, maxMessageBytes: 8 * 1024 * 1024 }]);
  try {
    await produceAll(kafka, clean, good);
    await produceAll(kafka, dirty, mixed);
    const pairs: Array<{ cleanMs: number; mixedMs: number; ratio: number }> = [];
    for (let r = 0; r < rounds; r++) {
      let cleanMs: number;
      let mixedMs: number;
      if (r % 2 === 0) { cleanMs = await normalizeRun(app, clean); mixedMs = await normalizeRun(app, dirty); }
      else { mixedMs = await normalizeRun(app, dirty); cleanMs = await normalizeRun(app, clean); }
      pairs.push({ cleanMs, mixedMs, ratio: cleanMs / mixedMs });
    }
    const ratio = median(pairs.map((p) => p.ratio));
    const cleanRate = good.length / (median(pairs.map((p) => p.cleanMs)) / 1000);
    const mixedRate = good.length / (median(pairs.map((p) => p.mixedMs)) / 1000);
    return {
      name: 'hostile input on Kafka: good-record rate with 10k hostile mixed in vs clean',
      unit: 'good msg/s', value: mixedRate,
      baseline: { name: 'clean run', value: cleanRate },
      ratio, target: { kind: 'ratio>=', value: HOSTILE_TARGET }, pass: ratio >= HOSTILE_TARGET,
      details: {
        good: good.length, hostile: hostile.length, rounds,
        roundRatios: pairs.map((p) => Number(p.ratio.toFixed(3))),
        roundMs: pairs.map((p) => ({ clean: Math.round(p.cleanMs), mixed: Math.round(p.mixedMs) })),
      },
    };
  } finally {
    await deleteTopics(kafka, app);
  }
}

// bench/run-all.ts sets the flag before importing this module; run alone, it is the entry point.
if (!(globalThis as { leadwireBenchHarness?: boolean }).leadwireBenchHarness) await runMain((a) => run(a));
