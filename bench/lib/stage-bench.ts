// Stage throughput: extract, score and embed each alone, and the whole
// rules-only topology, on the Kafka runtime (exactly-once) against the raw
// kafkajs consumer reading the same topic, all in one run.
//
// Each stage reads its real input: the realistic traffic of traffic.ts goes
// through the topology on the local runtime (in process, the same processors,
// partitioner and partition counts), which records what each stage emits; those
// records go onto fresh topics with their keys, partitions and timestamps.
// The counts seen in process are also what each stage of the Kafka run must
// process (the local runtime emits the same records for the same input).
// The measured part of each phase (raw consumer, then the stages) runs in a
// fresh child process (stage-child.ts), like a `leadwire run` worker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { createLocalRuntime } from '../../src/runtime/local-runtime.js';
import type { KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import type { StageExecutor } from '../../src/runtime/stage-executor.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { changelogTopic, TIMER_STORE, type TopologySpec } from '../../src/stream/stage.js';
import { sourceTopic, type Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import {
  benchConfig, benchKafka, createTopics, deleteTopics, nowMs, pollUntil, ratioResult, round, uniqueId,
  withAdmin, type BenchArgs, type BenchResult,
} from './common.js';
import { stageDone } from './pipeline-bench.js';
import { conversationTraffic, debeziumInserts, produceAll, type SourceRecord } from './traffic.js';

/** No target is set for these figures: they are reported (a ratio ≥ 0 always "passes"). */
export const STAGE_REPORT_TARGET = 0;
/** A result with no target (ratio ≥ 0): printed and tabled as a report, not as PASS. */
export const reportedOnly = (r: BenchResult): boolean => r.target.kind === 'ratio>=' && r.target.value === STAGE_REPORT_TARGET;

export function printReported(r: BenchResult): void {
  const n = (x: number) => round(x).toLocaleString('en-US');
  const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio < 0.01 ? r.ratio.toPrecision(2) : r.ratio.toFixed(3)}`;
  console.log(`${r.name}: ${n(r.value)} ${r.unit}${r.baseline ? `  baseline ${r.baseline.name} ${n(r.baseline.value)} ${r.unit}` : ''}${ratio}  (no target: reported)`);
}

export const STAGE_PARTS = ['extract', 'score', 'embed', 'topology'] as const;
export type StagePart = (typeof STAGE_PARTS)[number];

const TIMEOUT_MS = 900_000;

/** A record as the local runtime wrote it onto a topic. */
interface Captured { key: string | null; value: Buffer | null; timestamp: number; partition: number }

export interface StageInputs {
  source: SourceRecord[];
  /** Records each topic received in process. */
  topics: { messages: number; conversations: Captured[]; signals: Captured[]; leadScores: number; leadEvents: number; dlq: number };
  /** Per stage: records in and the executor's time (processor, state, serde; no Kafka) in process. */
  inProcess: Record<string, { records: number; ms: number; usPerRecord: number }>;
  generateMs: number;
}

/**
 * Runs the whole topology over `messages` realistic Debezium inserts on the
 * local runtime and keeps what it wrote to conversations and signals.
 */
export async function generateStageInputs(config: Config, messages: number): Promise<StageInputs> {
  const t0 = nowMs();
  const source = debeziumInserts(conversationTraffic(messages));
  // The default config: local embedder, in-process vector store (its file: the config's), in-process analytics.
  const topology = buildTopology(config);
  const rt = createLocalRuntime(topology, { clock: { now: () => Date.now() }, logger: silentLogger, partitions: config.kafka.partitions });
  const t = config.topics;
  const conversations: Captured[] = [];
  const signals: Captured[] = [];
  const counts = { messages: 0, leadScores: 0, leadEvents: 0, dlq: 0 };
  const keep = (list: Captured[]) => (m: Captured) => { list.push({ key: m.key, value: m.value, timestamp: m.timestamp, partition: m.partition }); };
  rt.subscribe(t.conversations, keep(conversations));
  rt.subscribe(t.signals, keep(signals));
  rt.subscribe(t.messages, () => { counts.messages++; });
  rt.subscribe(t.leadScores, () => { counts.leadScores++; });
  rt.subscribe(t.leadEvents, () => { counts.leadEvents++; });
  rt.subscribe(t.dlq, () => { counts.dlq++; });
  // The local runtime steps one stage at a time, so the time inside each executor is that stage's own.
  const spent = new Map<string, { records: number; ms: number }>();
  for (const [name, ex] of rt.executors) spent.set(name, timeExecutor(ex));
  for (const r of source) rt.produce(sourceTopic(t), { key: r.key, value: r.value, timestamp: r.timestamp });
  await rt.runUntilIdle();
  await rt.stop();
  const inProcess: StageInputs['inProcess'] = {};
  for (const [name, s] of spent) if (s.records) inProcess[name] = { records: s.records, ms: Math.round(s.ms), usPerRecord: round((s.ms * 1000) / s.records, 1) };
  return { source, topics: { ...counts, conversations, signals }, inProcess, generateMs: Math.round(nowMs() - t0) };
}

/** Wraps an executor's entry points with timers (submit runs the processor up to its first await; drain the rest). */
function timeExecutor(ex: StageExecutor): { records: number; ms: number } {
  const acc = { records: 0, ms: 0 };
  const e = ex as unknown as Record<'submit' | 'drain' | 'takeCommittable' | 'fireWallTimers', (...a: unknown[]) => unknown>;
  for (const m of ['submit', 'drain', 'takeCommittable', 'fireWallTimers'] as const) {
    const f = e[m]!.bind(ex);
    e[m] = (...a: unknown[]) => {
      const t = nowMs();
      if (m === 'submit') acc.records++;
      const r = f(...a);
      if (r instanceof Promise) return r.finally(() => { acc.ms += nowMs() - t; });
      acc.ms += nowMs() - t;
      return r;
    };
  }
  return acc;
}

/**
 * Waits until each stage has processed and committed its expected count
 * (pipeline-bench's stageDone); returns the time each got there. Fails early,
 * with processed against expected, when no stage has moved for `stallMs`.
 */
export async function stagesDone(rt: KafkaRuntime, counts: Map<string, number>, expected: Array<[string, number]>, stallMs = 60_000): Promise<number[]> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let last = '';
    let since = Date.now();
    timer = setInterval(() => {
      const now = expected.map(([s]) => counts.get(s) ?? 0).join(',');
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Date.now() - since > stallMs) {
        reject(new Error(`stages stalled for ${stallMs} ms: ${expected.map(([s, n]) => `${s} ${counts.get(s) ?? 0}/${n}`).join(', ')} (processed/expected)`));
      }
    }, 1000);
  });
  try {
    return await Promise.race([Promise.all(expected.map(([stage, n]) => stageDone(rt, stage, counts, n, TIMEOUT_MS))), stalled]);
  } finally {
    clearInterval(timer);
  }
}

/** What the child process (stage-child.ts) is asked to do: the raw consumer on a topic, then stages on the Kafka runtime. */
export interface StageJob {
  /** The deployment's environment (benchConfig's vars): the child loads the same config. */
  vars: Record<string, string>;
  rawTopic: string;
  stages: string[];
  /** Records each stage must process and commit. */
  expected: Array<[string, number]>;
  /** The stage whose first record starts the clock. */
  startStage: string;
}

export interface StageJobResult {
  raw: { msgsPerSec: number; ms: number; records: number };
  /** From the first record of `startStage` until every stage had processed and committed its expected count. */
  ms: number;
  /** Per stage: ms after the start at which it was done. */
  doneMs: Record<string, number>;
  processed: Record<string, number>;
}

/**
 * Runs a job in a fresh Node process, like a `leadwire run --stage …` worker.
 * Not in this one: each runtime task (a stage × partition) creates an
 * AsyncLocalStorage and never disables it, and on Node 20 every promise then
 * pays for every one ever created (≈1 µs with 6, ≈14 µs with 40, ≈43 µs with
 * 90), so the in-process generation and earlier phases would slow down the
 * later ones.
 */
export async function runStageJob(job: StageJob): Promise<StageJobResult> {
  const child = spawn(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--cpu-prof')), 'bin/run-ts.js', 'bench/lib/stage-child.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    // leadwire gives every record its partition: kafkajs' notice about its default partitioner is noise here.
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  child.stdin.end(JSON.stringify(job));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('exit', resolve); });
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`stage child (${job.stages.join(',')}) exited with ${code}: ${out.slice(-2000)}`);
  return JSON.parse(last) as StageJobResult;
}

/** The raw consumer on `topic`, then `stage` alone on the Kafka runtime from its start, until it has processed and committed `n` records (in a child process). */
async function stageAlone(kafka: Kafka, deployment: { config: Config; vars: Record<string, string> }, stage: string, topic: string, n: number): Promise<StageJobResult> {
  await createTopologyTopics(kafka, deployment.config, buildTopology(deployment.config));
  return runStageJob({ vars: deployment.vars, rawTopic: topic, stages: [stage], expected: [[stage, n]], startStage: stage });
}

const avgBytes = (rs: Array<{ value: Buffer | null }>) => Math.round(rs.reduce((s, r) => s + (r.value?.length ?? 0), 0) / Math.max(1, rs.length));

async function produceCaptured(kafka: Kafka, config: Config, topic: string, records: Captured[]): Promise<number> {
  const spec = buildTopology(config).topics.find((x) => x.name === topic)!;
  await createTopics(kafka, [{ name: topic, partitions: spec.partitions ?? config.kafka.partitions }]);
  return produceAll(kafka, topic, records);
}

/**
 * Creates every topic the topology's stages use (their changelogs included,
 * compacted, partitioned like their input) and waits for their leaders, so no
 * stage meets a topic the broker does not host yet. Topics that exist are left alone.
 */
export async function createTopologyTopics(kafka: Kafka, config: Config, topology: TopologySpec): Promise<void> {
  const partitionsOf = (name: string) => topology.topics.find((t) => t.name === name)?.partitions ?? config.kafka.partitions;
  const wanted = [
    ...topology.topics.map((t) => ({ name: t.name, partitions: t.partitions ?? config.kafka.partitions, ...(t.compacted ? { compacted: true } : {}) })),
    ...topology.stages.flatMap((st) => [...st.stores, { name: TIMER_STORE, doc: '' }].map((s) => ({ name: changelogTopic(topology.app, st.name, s), partitions: partitionsOf(st.input.topic), compacted: true }))),
  ];
  const existing = new Set(await withAdmin(kafka, (a) => a.listTopics()));
  const missing = wanted.filter((t) => !existing.has(t.name));
  await createTopics(kafka, missing);
  // Leaders elected is not yet served: a stage's first ListOffsets on a topic this new can still
  // meet NOT_LEADER and restart the stage. Wait until every new topic answers.
  await withAdmin(kafka, async (a) => {
    for (const t of missing) await pollUntil(() => a.fetchTopicOffsets(t.name).then(() => true, () => false), 30_000, `topic ${t.name} to answer`, 100);
  });
}

/** Deletes the consumer groups of a run (the stages' and nothing else). */
export async function deleteGroups(kafka: Kafka, prefix: string): Promise<void> {
  await withAdmin(kafka, async (a) => {
    const ids = (await a.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (ids.length) await a.deleteGroups(ids).catch(() => {});
  }).catch(() => {});
}

/**
 * Every figure of the issue in one run: extract, score and embed each alone
 * on their real input, then the whole rules-only topology from the Debezium
 * source topic; each against the raw consumer on the same topic.
 */
export async function stageThroughput(args: BenchArgs, parts: readonly StagePart[] = STAGE_PARTS): Promise<BenchResult[]> {
  const kafka = benchKafka();
  const base = uniqueId('bench-stages');
  // The in-process vector store of the default config persists to a file: one of our own.
  const dir = mkdtempSync(join(tmpdir(), 'leadwire-bench-stages-'));
  const vectors = (name: string) => ({ LEADWIRE_VECTORS_FILE: join(dir, `${name}.jsonl`) });
  const results: BenchResult[] = [];
  try {
    // One deployment per input topic, so a stage's outputs never land on a topic another stage is measured on.
    const { config } = benchConfig(`${base}-x`, vectors('x'));
    const { config: onSignalsConfig } = benchConfig(`${base}-c`, vectors('c'));
    const inputs = await generateStageInputs(benchConfig(`${base}-x`, vectors('local')).config, args.messages);
    const { conversations, signals } = inputs.topics;
    const common = { sourceMessages: args.messages, generateMs: inputs.generateMs, partitions: config.kafka.partitions };
    const inProc = (stage: string) => inputs.inProcess[stage]?.usPerRecord;

    if (parts.includes('extract')) {
      const produceMs = await produceCaptured(kafka, config, config.topics.conversations, conversations);
      // The same snapshots again without the per-message memo (its own group, same topics): what the memo saves.
      const off = await stageAlone(kafka, benchConfig(`${base}-x`, { ...vectors('x0'), LEADWIRE_APP_ID: `${base}-x0`, EXTRACT_MESSAGE_CACHE_CHARS: '0' }), STAGE.extract, config.topics.conversations, conversations.length);
      const r = await stageAlone(kafka, benchConfig(`${base}-x`, vectors('x')), STAGE.extract, config.topics.conversations, conversations.length);
      results.push(ratioResult({
        name: 'extract stage throughput (rules only)', unit: 'records/s', count: conversations.length, ms: r.ms, raw: r.raw, target: STAGE_REPORT_TARGET,
        details: {
          ...common, input: 'conversation snapshots', records: conversations.length, avgRecordBytes: avgBytes(conversations), produceMs, rawMs: Math.round(r.raw.ms), stageMs: Math.round(r.ms), processed: r.processed[STAGE.extract], inProcessUsPerRecord: inProc(STAGE.extract),
          withoutMessageMemo: { stageMs: Math.round(off.ms), rawMs: Math.round(off.raw.ms), vsRaw: round(off.raw.ms / off.ms, 4), memoSpeedup: round(off.ms / r.ms, 2) },
        },
      }));
    }
    const onSignals = parts.filter((p): p is 'score' | 'embed' => p === 'score' || p === 'embed');
    if (onSignals.length) {
      const produceMs = await produceCaptured(kafka, onSignalsConfig, onSignalsConfig.topics.signals, signals);
      for (const stage of onSignals) {
        const r = await stageAlone(kafka, benchConfig(`${base}-c`, vectors('c')), stage, onSignalsConfig.topics.signals, signals.length);
        results.push(ratioResult({
          name: stage === 'score' ? 'score stage throughput' : 'embed stage throughput (local embedder, in-process store, real signals)',
          unit: 'records/s', count: signals.length, ms: r.ms, raw: r.raw, target: STAGE_REPORT_TARGET,
          details: {
            ...common, input: 'signals records', records: signals.length, avgRecordBytes: avgBytes(signals), produceMs, rawMs: Math.round(r.raw.ms), stageMs: Math.round(r.ms), processed: r.processed[stage], inProcessUsPerRecord: inProc(stage),
            ...(stage === 'score' ? { leadScoresInProcess: inputs.topics.leadScores, leadEventsInProcess: inputs.topics.leadEvents } : {}),
          },
        }));
      }
    }

    if (parts.includes('topology')) results.push(await wholeTopology(kafka, `${base}-t`, vectors('t'), inputs));
    return results;
  } finally {
    await deleteTopics(kafka, base);
    await deleteGroups(kafka, base);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every stage of the topology (normalize, window, extract, embed, score,
 * analytics, feedback; no LLM; the default config's local embedder,
 * in-process vector store and in-process analytics) on the Kafka runtime in
 * this process, from the Debezium-shaped source topic (1 partition) until the
 * last stage has processed and committed everything; timed from normalize's
 * first record. Against the raw consumer on the source topic.
 */
async function wholeTopology(kafka: Kafka, app: string, extra: Record<string, string>, inputs: StageInputs): Promise<BenchResult> {
  const { config, vars } = benchConfig(app, extra);
  const source = sourceTopic(config.topics);
  await createTopics(kafka, [{ name: source, partitions: 1 }]);
  const produceMs = await produceAll(kafka, source, inputs.source);
  const topology = buildTopology(config);
  await createTopologyTopics(kafka, config, topology);
  // What each stage must process, as seen in process (feedback has no input here).
  const expected: Array<[string, number]> = [
    [STAGE.normalize, inputs.source.length], [STAGE.window, inputs.topics.messages], [STAGE.extract, inputs.topics.conversations.length],
    [STAGE.embed, inputs.topics.signals.length], [STAGE.score, inputs.topics.signals.length], [STAGE.analytics, inputs.topics.leadScores],
  ];
  const r = await runStageJob({ vars, rawTopic: source, stages: topology.stages.map((s) => s.name), expected, startStage: STAGE.normalize });
  return ratioResult({
    name: 'rules-only topology throughput (all stages)', unit: 'msg/s', count: inputs.source.length, ms: r.ms, raw: r.raw, target: STAGE_REPORT_TARGET,
    details: {
      messages: inputs.source.length, sourcePartitions: 1, partitions: config.kafka.partitions, stages: topology.stages.map((s) => s.name),
      produceMs, rawMs: Math.round(r.raw.ms), stageMs: Math.round(r.ms),
      // ms after normalize's first record at which each stage had processed and committed all of its input.
      doneMs: r.doneMs,
      processed: r.processed,
      expected: Object.fromEntries(expected),
      leadEventsInProcess: inputs.topics.leadEvents, dlqInProcess: inputs.topics.dlq,
      inProcess: inputs.inProcess,
      inProcessAllStagesMsgsPerSec: Math.round(inputs.source.length / (Object.values(inputs.inProcess).reduce((s, x) => s + x.ms, 0) / 1000)),
    },
  });
}
