// End-to-end latency on the hot-trigger path: PostgreSQL commit → Debezium →
// Kafka → normalize → window (hot trigger: snapshot at once) → extract (rules)
// → score → the lead score visible to a read-committed consumer. Real stack,
// the connector's real topic; the four stages run in this process on the Kafka
// runtime (exactly-once), each its own consumer group, started at the end of the
// source topic. Prints p50 and p99 (target p99 ≤ 1.5 s) and where the time goes.
//   node bin/run-ts.js bench/e2e-latency.ts [--quick] [--conversations N] [--interval MS] [--commit-interval MS] [--connector-poll-ms MS] [--json]
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '../src/config/load.js';
import { sourceTopic } from '../src/config/schema.js';
import type { Processor } from '../src/stream/processor-api.js';
import { startKafkaRuntime } from '../src/runtime/kafka/kafka-runtime.js';
import { buildTopology, STAGE } from '../src/topology/topology.js';
import type { TopologySpec } from '../src/stream/stage.js';
import { brokers, captureLogger, createTopics, deleteTopics, pollUntil, round, runMain, uniqueId, withAdmin, type BenchArgs, type BenchResult } from './lib/common.js';

export const E2E_P99_TARGET_MS = 1500;
/** The buying signal of the brief: asks_quote, a default hot trigger. */
export const HOT_TEXT = 'Hola, necesito una cotización para 500 unidades';
const STAGES = [STAGE.normalize, STAGE.window, STAGE.extract, STAGE.score];

function option(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number, got ${argv[i + 1]}`);
  return v;
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

/** The topology with each stage noting when it first saw each conversation (normalize: by message id). */
function timedTopology(base: TopologySpec, seen: Map<string, Map<string, number>>, onSource: (key: string | null, value: unknown, at: number) => void): TopologySpec {
  return {
    ...base,
    stages: base.stages.map((s) => ({
      ...s,
      processor: () => {
        const p = s.processor() as Processor<unknown, unknown>;
        const inner = p.process.bind(p);
        const mine = seen.get(s.name);
        p.process = (r) => {
          const at = Date.now();
          if (s.name === STAGE.normalize) onSource(r.key, r.value, at);
          else if (mine && r.key !== null && !mine.has(r.key)) mine.set(r.key, at);
          return inner(r);
        };
        return p;
      },
    })),
  };
}

async function connectorRunning(connectUrl: string | undefined, name: string | undefined): Promise<void> {
  if (!connectUrl || !name) throw new Error('CONNECT_URL / DEBEZIUM_CONNECTOR_NAME are not set: run `eval "$(node bin/leadwire.js stack env)"`');
  const res = await fetch(`${connectUrl}/connectors/${encodeURIComponent(name)}/status`);
  const s = (await res.json()) as { connector?: { state?: string }; tasks?: Array<{ state?: string }> };
  if (s.connector?.state !== 'RUNNING' || !s.tasks?.length || s.tasks.some((t) => t.state !== 'RUNNING')) {
    throw new Error(`the Debezium connector ${name} is not RUNNING: ${JSON.stringify(s)}`);
  }
}

interface TempConnector { name: string; topicPrefix: string; slot: string; publication: string }

/**
 * A second Debezium connector on the shared Connect and database, for this run
 * only: the stack's own connector config, with its own name, topic prefix,
 * slot and publication, wire_messages only, no snapshot, and `poll.interval.ms`
 * set. The stack's connector is left as it is. Ready once a probe row has come
 * through on its topic.
 */
async function startTempConnector(connectUrl: string, base: string, app: string, pollMs: number, db: pg.Client, kafka: Kafka): Promise<TempConnector> {
  const cfg = (await (await fetch(`${connectUrl}/connectors/${encodeURIComponent(base)}/config`)).json()) as Record<string, string>;
  const slot = app.replace(/[^a-z0-9]/g, '_');
  const c: TempConnector = { name: app, topicPrefix: app, slot, publication: `${slot}_pub` };
  await createTopics(kafka, [{ name: `${app}.public.wire_messages`, partitions: 1 }]);
  const config = {
    ...cfg, name: c.name, 'topic.prefix': c.topicPrefix, 'slot.name': c.slot, 'publication.name': c.publication,
    'table.include.list': 'public.wire_messages', 'snapshot.mode': 'no_data', 'poll.interval.ms': String(pollMs),
  };
  const res = await fetch(`${connectUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: c.name, config }) });
  if (!res.ok) throw new Error(`could not create the temporary connector: ${res.status} ${await res.text()}`);
  await pollUntil(async () => { try { await connectorRunning(connectUrl, c.name); return true; } catch { return false; } }, 120_000, `connector ${c.name} RUNNING`, 250);
  // RUNNING comes before streaming: a probe row must come through first.
  const topic = `${app}.public.wire_messages`;
  const probeConv = (9_390_000_000_000n + BigInt(Date.now() % 1_000_000_000)).toString();
  await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [probeConv]);
  await pollUntil(async () => {
    await db.query(`INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, 1, 'App\\Models\\User', 'probe', 'text', now(), now())`, [probeConv]);
    return withAdmin(kafka, async (a) => (await a.fetchTopicOffsets(topic)).some((o) => Number(o.high) > 0));
  }, 120_000, `connector ${c.name} streaming`, 1000);
  return c;
}

async function stopTempConnector(connectUrl: string, c: TempConnector, db: pg.Client): Promise<void> {
  await fetch(`${connectUrl}/connectors/${encodeURIComponent(c.name)}`, { method: 'DELETE' }).catch(() => undefined);
  // The slot stays active until the task has stopped; a slot left behind would hold WAL forever.
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await db.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [c.slot]);
      if (!r.rows.length) break;
      if (!r.rows[0]!.active) { await db.query('SELECT pg_drop_replication_slot($1)', [c.slot]); break; }
    } catch { /* dropped meanwhile, or still active: retry */ }
    if (Date.now() > until) { console.error(`replication slot ${c.slot} still active after 60 s: drop it by hand`); break; }
    await new Promise((r) => setTimeout(r, 500));
  }
  await db.query(`DROP PUBLICATION IF EXISTS ${c.publication}`).catch(() => undefined);
}

export async function run(args: BenchArgs, argv = process.argv.slice(2)): Promise<BenchResult> {
  const n = option(argv, '--conversations', args.quick ? 40 : 200);
  const intervalMs = option(argv, '--interval', 200);
  const commitIntervalMs = option(argv, '--commit-interval', 50);
  const bootstrap = brokers();
  const env = process.env;
  await connectorRunning(env.CONNECT_URL, env.DEBEZIUM_CONNECTOR_NAME);
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run `eval "$(node bin/leadwire.js stack env)"`');

  // --connector-poll-ms N: measure through a temporary connector with poll.interval.ms = N instead of the stack's.
  const connectorPollMs = argv.includes('--connector-poll-ms') ? option(argv, '--connector-poll-ms', 500) : undefined;
  const app = uniqueId('bench-e2e');
  const kafka = new Kafka({ clientId: 'leadwire-bench-e2e', brokers: bootstrap, logLevel: logLevel.NOTHING });
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  let temp: TempConnector | undefined;
  try {
    if (connectorPollMs !== undefined) temp = await startTempConnector(env.CONNECT_URL!, env.DEBEZIUM_CONNECTOR_NAME!, app, connectorPollMs, db, kafka);
    return await measure(args, { n, intervalMs, commitIntervalMs, app, kafka, db, bootstrap, topicPrefix: temp?.topicPrefix ?? env.DEBEZIUM_TOPIC_PREFIX ?? 'wirechat', connectorPollMs });
  } finally {
    if (temp) await stopTempConnector(env.CONNECT_URL!, temp, db);
    await db.end().catch(() => {});
    await deleteTopics(kafka, app);
  }
}

interface MeasureOptions { n: number; intervalMs: number; commitIntervalMs: number; app: string; kafka: Kafka; db: pg.Client; bootstrap: string[]; topicPrefix: string; connectorPollMs: number | undefined }

async function measure(args: BenchArgs, o: MeasureOptions): Promise<BenchResult> {
  const { n, intervalMs, commitIntervalMs, app, kafka, db, bootstrap } = o;
  const warmup = 3;
  const config = loadConfig({
    KAFKA_BROKERS: bootstrap.join(','), DEBEZIUM_TOPIC_PREFIX: o.topicPrefix, LEADWIRE_APP_ID: app, LEADWIRE_INSTANCE_ID: 'bench-0',
    LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`, LEADWIRE_TOPIC_SIGNALS: `${app}.signals`,
    LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`, LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    KAFKA_COMMIT_INTERVAL_MS: String(commitIntervalMs), LOG_LEVEL: 'warn',
  });
  const source = sourceTopic(config.topics);

  const seen = new Map<string, Map<string, number>>([[STAGE.window, new Map()], [STAGE.extract, new Map()], [STAGE.score, new Map()]]);
  const convOfMessage = new Map<string, string>();
  /** Per conversation: normalize saw it, and Debezium's times from the envelope (source.ts_ms: commit in PostgreSQL; ts_ms: connector). */
  const atSource = new Map<string, { normalizeAt: number; pgCommitTs: number; connectorTs: number }>();
  const onSource = (key: string | null, value: unknown, at: number) => {
    const id = key ? /"id"\s*:\s*(\d+)/.exec(key)?.[1] : undefined;
    const conv = id ? convOfMessage.get(id) : undefined;
    if (!conv || atSource.has(conv) || !value) return;
    try {
      const e = JSON.parse(value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : String(value)) as { ts_ms?: number; source?: { ts_ms?: number } };
      atSource.set(conv, { normalizeAt: at, pgCommitTs: e.source?.ts_ms ?? NaN, connectorTs: e.ts_ms ?? NaN });
    } catch { /* not ours to judge: normalize dead-letters it */ }
  };

  const visibleAt = new Map<string, number>();
  const reader = kafka.consumer({ groupId: `${app}-reader`, readUncommitted: false, maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  let rt: Awaited<ReturnType<typeof startKafkaRuntime>> | undefined;
  try {
    // Start every stage at the end of the real Debezium topic: only this run's rows count.
    await withAdmin(kafka, async (a) => {
      const ends = await a.fetchTopicOffsets(source);
      await a.setOffsets({ groupId: `${app}-${STAGE.normalize}`, topic: source, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    });
    // Created and led before the runtime starts, so no stage meets a topic that is not ready yet.
    const t = config.topics;
    const p = config.kafka.partitions;
    await createTopics(kafka, [
      ...[t.messages, t.conversations, t.signals, t.leadEvents, t.dlq].map((name) => ({ name, partitions: p })),
      { name: t.leadScores, partitions: p, compacted: true },
    ]);
    const topology = timedTopology(buildTopology(config), seen, onSource);
    rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: captureLogger(undefined, 'warn'), stages: STAGES });
    await reader.connect();
    await reader.subscribe({ topic: config.topics.leadScores, fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const at = Date.now();
        for (const m of batch.messages) { const k = m.key?.toString(); if (k && !visibleAt.has(k)) visibleAt.set(k, at); }
      },
    });
    const groups = [...STAGES.map((s) => `${app}-${s}`), `${app}-reader`];
    await withAdmin(kafka, (a) => pollUntil(async () => (await a.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length > 0), 120_000, 'the stage and reader groups to be stable', 200));

    // Each conversation: a new wire_conversations row (the FK), then one customer message with the buying signal.
    const base = 9_300_000_000_000n + BigInt(Date.now() % 1_000_000_000) * 1000n;
    const committed = new Map<string, number>();
    const total = warmup + n;
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const conv = (base + BigInt(i)).toString();
      await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [conv]);
      // Autocommit: the INSERT returns once PostgreSQL committed it.
      const r = await db.query<{ id: string }>(
        `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, $2, 'App\\Models\\Customer', $3, 'text', now(), now()) RETURNING id::text`,
        [conv, 7000 + i, HOT_TEXT]);
      convOfMessage.set(r.rows[0]!.id, conv);
      committed.set(conv, Date.now());
      // A steady pace, not a burst: the next insert at t0 + (i + 1) × interval.
      const wait = t0 + (i + 1) * intervalMs - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
    const convs = [...committed.keys()];
    await pollUntil(async () => convs.every((c) => visibleAt.has(c)), 60_000, `lead scores for ${convs.length} conversations (have ${convs.filter((c) => visibleAt.has(c)).length})`, 50)
      .catch((err: Error) => { throw new Error(`${err.message}; seen by normalize ${atSource.size}, window ${seen.get(STAGE.window)!.size}, extract ${seen.get(STAGE.extract)!.size}, score ${seen.get(STAGE.score)!.size}`); });

    const measured = convs.slice(warmup);
    const lat = measured.map((c) => visibleAt.get(c)! - committed.get(c)!).sort((a, b) => a - b);
    const seg = (from: (c: string) => number, to: (c: string) => number) => round(median(measured.map((c) => to(c) - from(c))));
    const src = (c: string) => atSource.get(c)!;
    const budget = {
      'commit → Debezium reads it (envelope ts_ms)': seg((c) => committed.get(c)!, (c) => src(c).connectorTs),
      'Debezium → normalize (Connect produce + fetch)': seg((c) => src(c).connectorTs, (c) => src(c).normalizeAt),
      'normalize → window': seg((c) => src(c).normalizeAt, (c) => seen.get(STAGE.window)!.get(c)!),
      'window → extract': seg((c) => seen.get(STAGE.window)!.get(c)!, (c) => seen.get(STAGE.extract)!.get(c)!),
      'extract → score': seg((c) => seen.get(STAGE.extract)!.get(c)!, (c) => seen.get(STAGE.score)!.get(c)!),
      'score → visible to a read-committed consumer': seg((c) => seen.get(STAGE.score)!.get(c)!, (c) => visibleAt.get(c)!),
    };
    const p99 = quantile(lat, 0.99);
    return {
      name: 'e2e latency p99, PostgreSQL commit → lead score (hot trigger)',
      unit: 'ms',
      value: p99,
      target: { kind: 'value<=', value: E2E_P99_TARGET_MS },
      pass: p99 <= E2E_P99_TARGET_MS,
      details: {
        conversations: measured.length, warmup, intervalMs, commitIntervalMs, sourceTopic: source,
        connector: o.connectorPollMs === undefined ? 'the stack\'s (poll.interval.ms default 500)' : `temporary, poll.interval.ms ${o.connectorPollMs}`,
        p50Ms: quantile(lat, 0.5), p90Ms: quantile(lat, 0.9), p99Ms: p99, maxMs: lat[lat.length - 1], minMs: lat[0],
        warmupMs: convs.slice(0, warmup).map((c) => visibleAt.get(c)! - committed.get(c)!),
        medianBudgetMs: budget,
        pgCommitToAckMedianMs: seg((c) => src(c).pgCommitTs, (c) => committed.get(c)!),
      },
    };
  } finally {
    await reader.disconnect().catch(() => {});
    await rt?.stop().catch(() => {});
  }
}

// bench/run-all.ts sets the flag before importing this module; run alone, it is the entry point.
if (!(globalThis as { leadwireBenchHarness?: boolean }).leadwireBenchHarness) {
  await runMain(async (args) => {
    const r = await run(args);
    if (!args.json) console.log(JSON.stringify(r.details, null, 2));
    return r;
  });
}
