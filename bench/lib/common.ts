// Shared plumbing of the benchmarks: arguments, unique names on the real stack,
// an in-process stage runtime whose first record and progress we can observe,
// and the raw kafkajs consumer that is the ceiling every stage is compared to.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type ITopicConfig, type KafkaMessage } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { waitForLeaders } from '../../src/adapters/kafka/topic-admin.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { buildTopology } from '../../src/topology/topology.js';
import type { TopologySpec } from '../../src/stream/stage.js';
import type { Processor } from '../../src/stream/processor-api.js';

export interface BenchArgs { quick: boolean; messages: number; json: boolean }

/** `--quick` (10k messages, the CI form), `--messages N`, `--json` (print the result object only). */
export function parseArgs(argv = process.argv.slice(2), full = 100_000): BenchArgs {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--messages');
  const messages = i >= 0 ? Number(argv[i + 1]) : quick ? 10_000 : full;
  if (!Number.isInteger(messages) || messages <= 0) throw new Error(`--messages needs a positive integer, got ${argv[i + 1]}`);
  return { quick, messages, json: argv.includes('--json') };
}

export interface BenchResult {
  name: string;
  /** The bench/run-all.ts entry that measured it (its `--only` name). */
  bench?: string;
  /** What `value` is (msg/s, ms, MB). */
  unit: string;
  value: number;
  /** The baseline measured in the same run, when the target is a ratio. */
  baseline?: { name: string; value: number };
  ratio?: number;
  target: { kind: 'ratio>=' | 'value<='; value: number };
  pass: boolean;
  details: Record<string, unknown>;
}

/** A throughput result measured against the raw consumer ceiling of the same run. */
export function ratioResult(args: {
  name: string; unit: string; count: number; ms: number; raw: { msgsPerSec: number }; target: number; details: Record<string, unknown>;
}): BenchResult {
  const value = args.count / (args.ms / 1000);
  const ratio = value / args.raw.msgsPerSec;
  return {
    name: args.name, unit: args.unit, value,
    baseline: { name: 'raw kafkajs consumer', value: args.raw.msgsPerSec },
    ratio, target: { kind: 'ratio>=', value: args.target }, pass: ratio >= args.target, details: args.details,
  };
}

/** The local stack's settings when the shell has not exported them (`leadwire stack env`). */
function loadStackEnv(): void {
  try {
    const out = execFileSync(process.execPath, ['bin/leadwire.js', 'stack', 'env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
    for (const m of out.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) process.env[m[1]!] ??= m[2]!.replace(/^'(.*)'$/, '$1');
  } catch { /* the error below says what to do */ }
}

export function brokers(): string[] {
  if (!process.env.KAFKA_BROKERS) loadStackEnv();
  const b = process.env.KAFKA_BROKERS;
  if (!b) throw new Error('KAFKA_BROKERS is not set: run `eval "$(node bin/leadwire.js stack env)"` (after `node bin/leadwire.js stack up`)');
  return b.split(',').map((s) => s.trim()).filter(Boolean);
}

export function benchKafka(): Kafka {
  return new Kafka({ clientId: 'leadwire-bench', brokers: brokers(), logLevel: logLevel.NOTHING });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try { return await fn(admin); } finally { await admin.disconnect(); }
}

export async function createTopics(kafka: Kafka, topics: Array<{ name: string; partitions: number; compacted?: boolean; maxMessageBytes?: number }>): Promise<void> {
  await withAdmin(kafka, async (a) => {
    try {
      await a.createTopics({
        waitForLeaders: true,
        topics: topics.map((t): ITopicConfig => ({
          topic: t.name, numPartitions: t.partitions, replicationFactor: 1,
          configEntries: [
            ...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
            ...(t.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []),
          ],
        })),
      });
    } catch (err) {
      // On a loaded broker the metadata of a just-created topic can lag behind kafkajs' wait for
      // its leaders: wait for the metadata ourselves (bounded), anything else is a real error.
      if (!(err as { retriable?: boolean }).retriable) throw err;
      await waitForLeaders(a, topics.map((t) => t.name), err);
    }
  });
}

/** Deletes the topics a benchmark created (best effort: a stack shared by tests should not fill up). */
export async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  await withAdmin(kafka, async (a) => {
    const names = (await a.listTopics()).filter((t) => t.startsWith(prefix));
    if (names.length) await a.deleteTopics({ topics: names, timeout: 30_000 }).catch(() => {});
  }).catch(() => {});
}

/** Config of an isolated deployment: its own app id and topic names, so runs never see each other. */
export function benchConfig(app: string, extra: Record<string, string> = {}): { config: Config; vars: Record<string, string> } {
  const vars: Record<string, string> = {
    KAFKA_BROKERS: brokers().join(','), LEADWIRE_APP_ID: app, LEADWIRE_INSTANCE_ID: 'bench-0',
    LEADWIRE_SOURCE_TOPIC: `${app}.source`, LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`,
    LEADWIRE_TOPIC_SIGNALS: `${app}.signals`, LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`,
    LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    // A replay at full speed: wall-clock closing would depend on this machine's speed.
    WINDOW_WALL_CLOCK_CLOSE: 'false',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  return { config: loadConfig(vars), vars };
}

export interface StageProbe {
  /** hrtime (ms) of the first process() call of each stage. */
  firstAt: Map<string, number>;
  /** process() calls per stage. */
  counts: Map<string, number>;
}

/**
 * The production topology, with each stage's processor wrapped to note when
 * it saw its first record: throughput is measured from there, so consumer
 * group joins are not counted (the raw baseline is measured the same way).
 */
export function probedTopology(config: Config): { topology: TopologySpec; probe: StageProbe } {
  const base = buildTopology(config);
  const probe: StageProbe = { firstAt: new Map(), counts: new Map() };
  const stages = base.stages.map((s) => ({
    ...s,
    processor: () => {
      const p = s.processor() as Processor<unknown, unknown>;
      const inner = p.process.bind(p);
      p.process = (r) => {
        if (!probe.firstAt.has(s.name)) probe.firstAt.set(s.name, nowMs());
        probe.counts.set(s.name, (probe.counts.get(s.name) ?? 0) + 1);
        return inner(r);
      };
      return p;
    },
  }));
  return { topology: { ...base, stages }, probe };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** A pino logger that keeps warnings on stderr and hands info lines to `onLine` (to read runtime measurements). */
export function captureLogger(onLine?: (line: Record<string, unknown>) => void, level = 'info'): Logger {
  return pino({ level }, {
    write(s: string) {
      const line = JSON.parse(s) as Record<string, unknown>;
      onLine?.(line);
      if ((line.level as number) >= 40) process.stderr.write(s);
    },
  });
}

export { groupLag } from '../../src/adapters/kafka/group-lag.js';

export async function topicEnd(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
}

/** Polls until `pred` holds; returns the hrtime (ms) at which it was first seen true. */
export async function pollUntil(pred: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 25): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return nowMs();
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The ceiling: a plain kafkajs consumer (same fetch settings as the stage
 * runner, read committed) reading `expected` records of `topic` from the start,
 * touching nothing but the count. Timed from its first batch to its last record.
 * `onBatch` adds work per batch (the ceilings of ceilings.ts).
 */
export async function rawConsumerRate(
  kafka: Kafka, topic: string, expected: number, timeoutMs = 300_000,
  onBatch?: (messages: KafkaMessage[], partition: number) => Promise<void> | void,
): Promise<{ msgsPerSec: number; ms: number; records: number }> {
  const consumer = kafka.consumer({ groupId: uniqueId('bench-raw'), readUncommitted: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024, sessionTimeout: 30_000 });
  let first = 0;
  let last = 0;
  let n = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (!first) first = nowMs();
      if (onBatch) await onBatch(batch.messages, batch.partition);
      for (const m of batch.messages) if (m.value !== undefined) n++;
      last = nowMs();
      if (n >= expected) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([finished, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`raw consumer read ${n} of ${expected} in ${timeoutMs} ms`)), timeoutMs); })]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  const ms = last - first;
  return { msgsPerSec: n / (ms / 1000), ms, records: n };
}

export const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** `--rounds N` for the benchmarks that alternate a pair N times and report the median ratio. */
export function roundsArg(fallback: number, argv = process.argv.slice(2)): number {
  const i = argv.indexOf('--rounds');
  const n = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds needs a positive integer, got ${argv[i + 1]}`);
  return n;
}

export function printResult(r: BenchResult): void {
  const base = r.baseline ? `  baseline ${r.baseline.name} ${round(r.baseline.value).toLocaleString('en-US')} ${r.unit}` : '';
  const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}` : '';
  const target = r.target.kind === 'ratio>=' ? `ratio ≥ ${r.target.value}` : `≤ ${r.target.value} ${r.unit}`;
  console.log(`${r.name}: ${round(r.value).toLocaleString('en-US')} ${r.unit}${base}${ratio}  target ${target}  ${r.pass ? 'PASS' : 'MISS'}`);
  const ceilings = r.details.ceilings as Array<{ name: string; msgsPerSec: number; ratio: number }> | undefined;
  const rounds = r.details.roundRatios as number[] | undefined;
  if (rounds && rounds.length > 1) console.log(`  median of ${rounds.length} alternating rounds; ratios ${rounds.map((x) => x.toFixed(2)).join(', ')}`);
  for (const c of ceilings ?? []) console.log(`  ceiling: ${c.name}: ${c.msgsPerSec.toLocaleString('en-US')} ${r.unit}  ratio ${c.ratio.toFixed(2)} of the raw consumer`);
}

/** Runs a benchmark as a script: prints its result (or the JSON with --json) and exits. */
export async function runMain(fn: (args: BenchArgs) => Promise<BenchResult | BenchResult[]>): Promise<void> {
  const args = parseArgs();
  try {
    const r = await fn(args);
    if (args.json) console.log(JSON.stringify(r)); else for (const x of [r].flat()) printResult(x);
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
