// The window stage on the Kafka runtime under crashes and rebalances, checked
// against the local runtime on the same input (the clean run).
import { afterAll, describe, expect, it } from 'vitest';
import { caughtUp, createTopics, env, kafka, reader, stableMembers, uniqueId, waitFor } from '../helpers/kafka-kit.js';
import { spawnWorker, type Worker } from '../helpers/worker.js';
import { generateConversations } from '../helpers/traffic.js';
import { loadConfig } from '../../src/config/load.js';
import { EVENT_TIME_HEADER, stampEventTime } from '../../src/adapters/kafka/event-time.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { createLocalRuntime } from '../../src/runtime/local-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import type { ConversationSnapshot } from '../../src/records/conversation-snapshot.js';
import type { NormalizedMessage } from '../../src/records/normalized-message.js';

const PARTITIONS = 4;

function setup(name: string) {
  const app = uniqueId(name);
  const vars: Record<string, string> = {
    KAFKA_BROKERS: env.kafkaBrokers.join(','), LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: String(PARTITIONS),
    LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`, LEADWIRE_TOPIC_SIGNALS: `${app}.signals`,
    LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`, LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    LEADWIRE_SOURCE_TOPIC: `${app}.source`,
    // Wall-clock closing depends on how fast this machine runs; event time alone is reproducible.
    WINDOW_WALL_CLOCK_CLOSE: 'false',
    KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_COMMIT_INTERVAL_MS: '100',
  };
  return { app, vars, config: loadConfig(vars) };
}

/** The clean run: the same topology on the local runtime. */
async function reference(config: ReturnType<typeof loadConfig>, input: NormalizedMessage[]): Promise<ConversationSnapshot[]> {
  const rt = createLocalRuntime(buildTopology(config), { clock: { now: () => 0 }, logger: silentLogger, partitions: PARTITIONS });
  for (const m of input) rt.produce(config.topics.messages, { key: m.conversationId, value: m, timestamp: m.createdAt });
  await rt.runUntilIdle();
  const out = rt.read<ConversationSnapshot>(config.topics.conversations).map((r) => r.value);
  await rt.stop();
  return out;
}

async function produceInput(topic: string, input: NormalizedMessage[], chunks: number, between: (i: number) => Promise<void>): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const size = Math.ceil(input.length / chunks);
  for (let i = 0; i < chunks; i++) {
    const part = input.slice(i * size, (i + 1) * size);
    for (let j = 0; j < part.length; j += 2000) {
      // As normalize writes them: written now, event time (months ago) in the header.
      await producer.send({ topic, messages: part.slice(j, j + 2000).map((m) => ({ key: m.conversationId, value: JSON.stringify(m), ...stampEventTime(m.createdAt, Date.now()) })) });
    }
    await between(i);
  }
  await producer.disconnect();
}

/**
 * The traffic's event times are months old. Topics that refuse records stamped
 * more than an hour in the past prove the runtime writes the write time as the
 * Kafka timestamp (event time in a header): records stamped with event time
 * would also be deleted by time retention within minutes of being written.
 */
const TOPIC_CONFIGS = { 'message.timestamp.before.max.ms': String(3_600_000) };

function checkStamps(records: Array<{ headers: Record<string, string> }>): void {
  const monthAgo = Date.now() - 30 * 86_400_000;
  for (const r of records) {
    const t = Number(r.headers[EVENT_TIME_HEADER]);
    expect(t > Date.UTC(2026, 0, 1) && t < monthAgo, `event time header ${r.headers[EVENT_TIME_HEADER]}`).toBe(true);
  }
}

const strip = (s: ConversationSnapshot) => ({ ...s, emittedAt: 0 });

function checkVersions(snaps: ConversationSnapshot[]): void {
  const last = new Map<string, number>();
  for (const s of snaps) {
    const prev = last.get(s.conversationId) ?? 0;
    expect(s.version, `conversation ${s.conversationId} version after ${prev}`).toBe(prev + 1);
    last.set(s.conversationId, s.version);
  }
}

describe('window on Kafka: crashes, restarts, rebalances', () => {
  const workers: Worker[] = [];
  afterAll(async () => { for (const w of workers) if (w.proc.exitCode === null) await w.kill9(); });

  it('survives kill -9 of the worker mid-stream: same snapshots as a clean run, no version twice or out of order', async () => {
    const { app, vars, config } = setup('crash');
    const input = generateConversations({ conversations: 2000, seed: 42, startMs: Date.UTC(2026, 4, 1) });
    expect(input.length).toBeGreaterThan(15_000);
    const expected = await reference(config, input);
    await createTopics([config.topics.messages, config.topics.conversations], PARTITIONS, TOPIC_CONFIGS);
    const out = await reader([config.topics.conversations]);
    const start = () => { const w = spawnWorker([STAGE.window], { ...vars, LEADWIRE_INSTANCE_ID: 'w0' }, `${app}-w0`); workers.push(w); return w; };
    let w = start();
    let kills = 0;
    await produceInput(config.topics.messages, input, 8, async (i) => {
      if (i % 2 === 1) {
        await new Promise((r) => setTimeout(r, 1500));
        await w.kill9();
        kills++;
        w = start();
      }
    });
    await caughtUp(`${app}-window`, config.topics.messages, 150_000);
    await out.waitFor(() => out.records.length >= expected.length, 90_000, `${expected.length} snapshots`);
    // Nothing more will arrive: the window committed all its input, so reading to the end settles it.
    await out.readToEnd();
    await w.term();
    await out.close();
    expect(kills).toBeGreaterThanOrEqual(4);
    checkStamps(out.records);
    const got = out.records.map((r) => JSON.parse(r.value!) as ConversationSnapshot);
    checkVersions(got);
    expect(got.length).toBe(expected.length);
    const byConv = (xs: ConversationSnapshot[]) => {
      const m = new Map<string, ConversationSnapshot[]>();
      for (const s of xs) m.set(s.conversationId, [...(m.get(s.conversationId) ?? []), strip(s)]);
      return m;
    };
    const g = byConv(got);
    for (const [cid, snaps] of byConv(expected)) expect(g.get(cid), cid).toEqual(snaps);
  }, 300_000);

  /**
   * Two workers share the window stage's partitions before the traffic starts;
   * `between(i, pair)` runs after each of the 4 chunks of input. Every
   * snapshot must come out once, in version order, equal to the clean run's.
   */
  async function twoWorkers(name: string, seed: number, between: (i: number, pair: { a: Worker; b: Worker; group: string }) => Promise<void>): Promise<void> {
    const { app, vars, config } = setup(name);
    const input = generateConversations({ conversations: 800, seed, startMs: Date.UTC(2026, 4, 1) });
    const expected = await reference(config, input);
    await createTopics([config.topics.messages, config.topics.conversations], PARTITIONS, TOPIC_CONFIGS);
    const out = await reader([config.topics.conversations]);
    const a = spawnWorker([STAGE.window], { ...vars, LEADWIRE_INSTANCE_ID: 'a' }, `${app}-a`);
    const b = spawnWorker([STAGE.window], { ...vars, LEADWIRE_INSTANCE_ID: 'b' }, `${app}-b`);
    workers.push(a, b);
    await waitFor(async () => (await stableMembers(`${app}-window`)) === 2, 90_000, 'both workers in the group');
    await produceInput(config.topics.messages, input, 4, (i) => between(i, { a, b, group: `${app}-window` }));
    await caughtUp(`${app}-window`, config.topics.messages, 120_000);
    await out.waitFor(() => out.records.length >= expected.length, 90_000, `${expected.length} snapshots`);
    await out.readToEnd();
    for (const w of [a, b]) if (w.proc.exitCode === null) await w.term();
    await out.close();
    checkStamps(out.records);
    const got = out.records.map((r) => JSON.parse(r.value!) as ConversationSnapshot);
    checkVersions(got);
    expect(got.map(strip).sort(cmp)).toEqual(expected.map(strip).sort(cmp));
  }

  it('two instances share the partitions; one leaves mid-stream; nothing lost or emitted twice', async () => {
    let code: number | null = null;
    await twoWorkers('pair', 7, async (i, { b }) => {
      await new Promise((r) => setTimeout(r, 1500));
      if (i === 1) code = await b.term();
    });
    expect(code).toBe(0);
  }, 240_000);

  it('a worker that stalls past its session timeout (SIGSTOP) and resumes cannot commit for the partitions it lost: nothing lost or emitted twice', async () => {
    await twoWorkers('stall', 9, async (i, { b, group }) => {
      if (i === 0) {
        // Frozen mid-stream, with fetched and processed records not yet committed: like a
        // long GC pause or a stopped VM. The group moves its partitions to a.
        await new Promise((r) => setTimeout(r, 300));
        b.proc.kill('SIGSTOP');
        await waitFor(async () => (await stableMembers(group)) === 1, 60_000, 'the group to drop the stalled worker');
      }
      if (i === 1) {
        // a owns everything now and has processed some of it: b wakes up still holding
        // its old partitions' work and tries to commit it before it learns of the rebalance.
        await new Promise((r) => setTimeout(r, 1500));
        b.proc.kill('SIGCONT');
      }
    });
  }, 240_000);
});

const cmp = (x: ConversationSnapshot, y: ConversationSnapshot) => (x.conversationId === y.conversationId ? x.version - y.version : x.conversationId < y.conversationId ? -1 : 1);
