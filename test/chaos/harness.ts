// Building blocks of the chaos runs: a stack of their own (so broker and Connect restarts never
// touch the stack other people use), per-run input written into PostgreSQL, stage workers under a
// supervisor that can kill -9 them, and a read-committed collector that survives broker restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import pg from 'pg';
import { resolveSettings, stackEndpoints, type StackSettings } from '../../src/stack/settings.js';
import { stackDown, stackUp } from '../../src/stack/stack.js';
import { kafkaRunning } from '../../src/stack/kafka.js';
import { generateConversations, FIRST_MESSAGE_ID, toWireRows, type WireMessageRow } from '../helpers/traffic.js';
import { makeDebeziumEvent } from '../fixtures/debezium/make-event.js';
import type { NormalizedMessage } from '../../src/records/normalized-message.js';

export type Say = (line: string) => void;

// ---------------------------------------------------------------------------------------------
// The stack

/** Ports of a chaos stack: far from the default stack (55432/39092/39093/38083/6333). */
export interface ChaosStackPorts { pg: number; kafka: number; controller: number; connect: number; qdrant: number }

export const CHAOS_PORTS: ChaosStackPorts = { pg: 56432, kafka: 49092, controller: 49093, connect: 48083, qdrant: 46333 };

export function chaosStackEnv(dir: string, ports: ChaosStackPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LEADWIRE_STACK_DIR: dir,
    LEADWIRE_STACK_PG_PORT: String(ports.pg),
    LEADWIRE_STACK_KAFKA_PORT: String(ports.kafka),
    LEADWIRE_STACK_CONTROLLER_PORT: String(ports.controller),
    LEADWIRE_STACK_CONNECT_PORT: String(ports.connect),
    LEADWIRE_STACK_QDRANT_PORT: String(ports.qdrant),
  };
}

/** Ports nobody listens on now (the OS picks them), for a throwaway stack that must not collide with anyone's. */
export async function freeStackPorts(): Promise<ChaosStackPorts> {
  const servers = await Promise.all([0, 1, 2, 3, 4].map(() => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = servers.map((srv) => (srv.address() as { port: number }).port);
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return { pg: ports[0]!, kafka: ports[1]!, controller: ports[2]!, connect: ports[3]!, qdrant: ports[4]! };
}

/** The default stack's ports: chaos refuses to restart that one unless told to. */
export function isDefaultStack(s: StackSettings): boolean {
  return s.kafkaPort === 39092 || s.connectPort === 38083;
}

/** Starts (or reuses) the stack described by `env` and returns its settings. */
export async function chaosStackUp(env: NodeJS.ProcessEnv, say: Say): Promise<StackSettings> {
  const r = await stackUp(env, say);
  return r.settings;
}

export async function chaosStackDown(env: NodeJS.ProcessEnv, say: Say): Promise<void> {
  await stackDown(env, say);
}

export function existingStack(env: NodeJS.ProcessEnv): StackSettings | undefined {
  const s = resolveSettings(env);
  return kafkaRunning(s) ? s : undefined;
}

// ---------------------------------------------------------------------------------------------
// Input

export interface ChaosInput {
  /** Messages as the clean run and the checks see them (times in whole seconds, like timestamp(0)). */
  messages: NormalizedMessage[];
  rows: WireMessageRow[];
  conversations: string[];
}

/**
 * Realistic traffic (test/helpers/traffic.ts) with ids that no earlier run used, so many runs can
 * share one database. Times are whole seconds because wire_messages' columns are timestamp(0):
 * the clean run must see what PostgreSQL stores.
 */
export function chaosInput(opts: { messages: number; seed: number; runSeq: number; startMs: number; arrivalMeanMs: number }): ChaosInput {
  const perConversation = 8;
  const generated = generateConversations({ conversations: Math.ceil(opts.messages / perConversation) + 10, seed: opts.seed, startMs: opts.startMs, arrivalMeanMs: opts.arrivalMeanMs })
    .slice(0, opts.messages);
  const idBase = FIRST_MESSAGE_ID + BigInt(opts.runSeq) * 10_000_000n;
  const convBase = 1_000_000_000_000n + BigInt(opts.runSeq) * 1_000_000n;
  const convMap = new Map<string, string>();
  const messages = generated.map((m, i) => {
    let conv = convMap.get(m.conversationId);
    if (conv === undefined) { conv = String(convBase + BigInt(convMap.size)); convMap.set(m.conversationId, conv); }
    const at = Math.floor(m.createdAt / 1000) * 1000;
    return { ...m, id: String(idBase + BigInt(i)), conversationId: conv, createdAt: at, updatedAt: at, source: { ...m.source, tsMs: at } };
  });
  return { messages, rows: toWireRows(messages), conversations: [...convMap.values()] };
}

/** The Debezium envelope the connector writes for a row (for the clean run on the local runtime). */
export function envelopeOf(m: NormalizedMessage): { key: Buffer; value: Buffer; timestamp: number } {
  const ev = makeDebeziumEvent({
    id: m.id, conversation_id: m.conversationId, sendable_id: m.sender.id ?? 0, sendable_type: m.sender.type, body: m.body, type: m.type,
    created_at: m.createdAt, updated_at: m.updatedAt ?? m.createdAt,
  }, 'c');
  return { key: ev.keyBytes, value: ev.value, timestamp: ev.timestamp };
}

/** Inserts conversations, then messages in `createdAt` order, in multi-row statements (one transaction each). */
export function createRowWriter(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    async conversations(ids: string[], at: string): Promise<void> {
      for (let i = 0; i < ids.length; i += 5000) {
        const part = ids.slice(i, i + 5000);
        await pool.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) SELECT x, 'private', $2::timestamp, $2::timestamp FROM unnest($1::bigint[]) AS x`, [part, at]);
      }
    },
    /** One statement: unnest keeps the array order, so Debezium sees the rows in this order. */
    async messages(rows: WireMessageRow[]): Promise<void> {
      await pool.query(
        `INSERT INTO wire_messages (id, conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::varchar[], $5::text[], $6::varchar[], $7::timestamp[], $8::timestamp[])`,
        [rows.map((r) => r.id), rows.map((r) => r.conversation_id), rows.map((r) => r.sendable_id), rows.map((r) => r.sendable_type),
          rows.map((r) => r.body), rows.map((r) => r.type), rows.map((r) => r.created_at), rows.map((r) => r.updated_at)]);
    },
    close: () => pool.end(),
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka

export function chaosKafka(s: StackSettings, clientId = 'leadwire-chaos'): Kafka {
  return new Kafka({
    clientId,
    brokers: [stackEndpoints(s).kafkaBrokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    // Long enough to ride out a broker restart.
    retry: { retries: 15, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
}

export async function withAdmin<T>(kafka: Kafka, fn: (a: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try { return await fn(admin); } finally { await admin.disconnect().catch(() => undefined); }
}

export interface Lag {
  /** End offsets minus committed offsets, summed over partitions. */
  total: number;
  /** The largest per-partition lag. */
  max: number;
  /** Committed offsets, summed over partitions: grows as the group works. */
  committed: number;
}

/**
 * Lag of a group on a topic, or undefined while the broker does not answer. On a topic written in
 * transactions a caught-up group keeps a lag of 1 per partition: the commit marker after its last
 * record, which no consumer is ever handed.
 */
export async function groupLag(kafka: Kafka, groupId: string, topic: string): Promise<Lag | undefined> {
  try {
    return await withAdmin(kafka, async (a) => {
      const ends = await a.fetchTopicOffsets(topic);
      const committed = (await a.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
      let total = 0, max = 0, sum = 0;
      for (const e of ends) {
        const c = committed.find((p) => p.partition === e.partition);
        const co = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(e.low);
        const lag = Math.max(0, Number(e.high) - co);
        total += lag;
        max = Math.max(max, lag);
        sum += co;
      }
      return { total, max, committed: sum };
    });
  } catch {
    return undefined;
  }
}

export interface CollectedRecord { topic: string; partition: number; offset: number; key: string | null; value: Buffer | null; headers: Record<string, string> }

/**
 * A read-committed consumer of `topics` from the beginning that rides out broker restarts: when
 * kafkajs gives up it is recreated in the same group. Records it is handed again after that (same
 * partition, offset not past the highest seen) are the collector's own replays and are skipped, so
 * what `onRecord` sees is exactly what is on the topic.
 */
export async function startCollector(kafka: Kafka, groupId: string, topics: string[], onRecord: (r: CollectedRecord) => void, say: Say) {
  const highest = new Map<string, number>();
  let consumer: Consumer | undefined;
  let stopped = false;
  let recreations = 0;
  const start = async (): Promise<void> => {
    const c = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 15_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 } });
    consumer = c;
    c.on(c.events.CRASH, (e) => {
      if (stopped || e.payload.restart) return;
      recreations++;
      say(`collector ${groupId}: consumer crashed (${e.payload.error.message}); recreating`);
      void c.disconnect().catch(() => undefined).then(() => retryStart());
    });
    await c.connect();
    for (const topic of topics) await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const k = `${batch.topic}/${batch.partition}`;
        for (const m of batch.messages) {
          const off = Number(m.offset);
          if (off <= (highest.get(k) ?? -1)) continue;
          highest.set(k, off);
          const headers: Record<string, string> = {};
          for (const [hk, hv] of Object.entries(m.headers ?? {})) if (hv !== undefined) headers[hk] = String(hv);
          onRecord({ topic: batch.topic, partition: batch.partition, offset: off, key: m.key?.toString() ?? null, value: m.value, headers });
        }
      },
    });
  };
  const retryStart = async (): Promise<void> => {
    while (!stopped) {
      try { await start(); return; } catch (err) {
        say(`collector ${groupId}: cannot start (${(err as Error).message}); retrying`);
        await consumer?.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  };
  await retryStart();
  return {
    get recreations() { return recreations; },
    async stop() { stopped = true; await consumer?.disconnect().catch(() => undefined); },
  };
}

// ---------------------------------------------------------------------------------------------
// Workers

export interface StageWorker {
  stage: string;
  instanceId: string;
  proc: ChildProcess;
  startedAt: number;
  /** When it logged its partitions assigned and restored (0 before): a worker starts slowly on a loaded machine. */
  readyAt: number;
}

/**
 * `leadwire run --stage X` processes, one per stage, each with a stable LEADWIRE_INSTANCE_ID so a
 * restarted worker fences its predecessor. A worker that exits on its own (e.g. while the broker is
 * down) is started again after `restartDelayMs`, like an orchestrator would.
 */
/** What a stage worker logs once its partitions are assigned and their state restored. */
const READY_LINE = '"msg":"partitions assigned and restored"';

export function createSupervisor(opts: { stages: string[]; env: Record<string, string>; logDir: string; say: Say; restartDelayMs?: number }) {
  mkdirSync(opts.logDir, { recursive: true });
  const workers = new Map<string, StageWorker>();
  const counts = { kills: 0, unexpectedExits: 0, starts: 0 };
  const killsByStage: Record<string, number> = {};
  let stopping = false;
  const expected = new Set<ChildProcess>();

  const start = (stage: string): StageWorker => {
    const instanceId = `${stage}-0`;
    const out = createWriteStream(join(opts.logDir, `${stage}.log`), { flags: 'a' });
    const proc = spawn(process.execPath, ['bin/leadwire.js', 'run', '--stage', stage], {
      env: { ...process.env, LOG_LEVEL: 'info', ...opts.env, LEADWIRE_INSTANCE_ID: instanceId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.pipe(out);
    proc.stderr!.pipe(out);
    const w: StageWorker = { stage, instanceId, proc, startedAt: Date.now(), readyAt: 0 };
    // Its log (stderr) says when it is ready. A listener of its own beside the pipe to the log file
    // (closing a readline interface would pause the stream, and a worker blocked on a write stalls).
    let tail = '';
    const onData = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4096);
      if (tail.includes(READY_LINE)) { w.readyAt = Date.now(); proc.stderr!.off('data', onData); }
    };
    proc.stderr!.on('data', onData);
    counts.starts++;
    proc.once('exit', (code, signal) => {
      if (expected.has(proc) || stopping) return;
      counts.unexpectedExits++;
      opts.say(`worker ${stage} exited on its own (code ${code}, signal ${signal}); restarting`);
      setTimeout(() => { if (!stopping && workers.get(stage) === w) workers.set(stage, start(stage)); }, opts.restartDelayMs ?? 1_000);
    });
    workers.set(stage, w);
    return w;
  };

  const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

  return {
    counts,
    killsByStage,
    startAll() { for (const s of opts.stages) start(s); },
    /** How long the stage's current worker has been working: since it had its partitions assigned and restored (0 before). */
    uptimeMs(stage: string): number { const w = workers.get(stage); return w?.readyAt ? Date.now() - w.readyAt : 0; },
    /** kill -9 of the stage's worker, then a new one with the same instance id. */
    async kill9(stage: string): Promise<void> {
      const w = workers.get(stage);
      if (w) {
        expected.add(w.proc);
        w.proc.kill('SIGKILL');
        await exited(w.proc);
      }
      counts.kills++;
      killsByStage[stage] = (killsByStage[stage] ?? 0) + 1;
      start(stage);
    },
    async stopAll(): Promise<void> {
      stopping = true;
      await Promise.all([...workers.values()].map(async (w) => {
        expected.add(w.proc);
        if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
        const t = setTimeout(() => w.proc.kill('SIGKILL'), 30_000);
        await exited(w.proc);
        clearTimeout(t);
      }));
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `pred` is true; throws after `timeoutMs`. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The end of a chaos command: print the summary, keep it as JSON when asked, exit 0 only when every check passed. */
export function reportChaosRun(summary: { ok: boolean }, text: string, jsonFile: string | undefined, say: (line: string) => void): number {
  say('');
  say(text);
  if (jsonFile) {
    mkdirSync(dirname(jsonFile), { recursive: true });
    writeFileSync(jsonFile, `${JSON.stringify(summary, null, 2)}\n`);
  }
  return summary.ok ? 0 : 1;
}
