// Child process of the stage benchmark (stage-bench.ts runStageJob): reads a
// StageJob as JSON on stdin, times the raw kafkajs consumer on the job's topic,
// then runs the job's stages on the Kafka runtime (exactly-once) until each has
// processed and committed its expected count, and prints a StageJobResult as
// the last line of stdout. A fresh process, like a `leadwire run` worker.
import { text } from 'node:stream/consumers';
import { loadConfig } from '../../src/config/load.js';
import { startKafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { benchKafka, captureLogger, probedTopology, rawConsumerRate } from './common.js';
import { stagesDone, type StageJob, type StageJobResult } from './stage-bench.js';

const job = JSON.parse(await text(process.stdin)) as StageJob;
process.env.KAFKA_BROKERS = job.vars.KAFKA_BROKERS;
try {
  const kafka = benchKafka();
  const count = job.expected.find(([s]) => s === job.startStage)![1];
  const raw = await rawConsumerRate(kafka, job.rawTopic, count);
  const config = loadConfig(job.vars);
  const { topology, probe } = probedTopology(config);
  const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: captureLogger(undefined, 'warn'), stages: job.stages });
  let ends: number[];
  try {
    ends = await stagesDone(rt, probe.counts, job.expected);
  } finally {
    await rt.stop();
  }
  const start = probe.firstAt.get(job.startStage)!;
  const result: StageJobResult = {
    raw, ms: Math.max(...ends) - start,
    doneMs: Object.fromEntries(job.expected.map(([s], i) => [s, Math.round(ends[i]! - start)])),
    processed: Object.fromEntries(job.expected.map(([s]) => [s, probe.counts.get(s) ?? 0])),
  };
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exit(1);
}
