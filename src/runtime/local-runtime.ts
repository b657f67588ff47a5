import type { Logger } from 'pino';
import type { Clock } from '../stream/processor-api.js';
import type { TopologySpec } from '../stream/stage.js';
import { StageExecutor, type OutMessage } from './stage-executor.js';
import { partitionFor } from './partitioner.js';
import { encodeValue } from './serde.js';

interface LoggedRecord { key: Buffer | null; value: Buffer | null; timestamp: number; headers: Record<string, string> }

export type TopicListener = (m: { topic: string; partition: number; offset: number; key: string | null; value: Buffer | null; headers: Record<string, string>; timestamp: number }) => void;

export interface LocalRuntime {
  /** Appends a record to a topic (sources use this). Value is encoded like on Kafka. */
  produce(topic: string, rec: { key: string | Buffer | null; value: unknown; timestamp: number; headers?: Record<string, string> }): void;
  /** Processes until no stage has pending input. With `flushWallTimers`, then fires every wall timer as if the stream went quiet. */
  runUntilIdle(opts?: { flushWallTimers?: boolean }): Promise<number>;
  /** Live mode: processes continuously and fires wall timers on the clock until stop(). */
  startLive(intervalMs?: number): void;
  stop(): Promise<void>;
  subscribe(topic: string, listener: TopicListener): () => void;
  /** Decoded JSON values of a topic, in partition then offset order. */
  read<T = unknown>(topic: string): Array<{ key: string | null; value: T; partition: number; offset: number; headers: Record<string, string> }>;
  executors: Map<string, StageExecutor>;
}

/**
 * The embedded default: the same topology and processors in one process, with
 * in-memory topics partitioned like Kafka (same partitioner and counts) and
 * per-partition stream time, so it emits the same records as the Kafka runtime
 * for the same input on a single instance. It is not a broker: nothing here is
 * durable across processes.
 */
export function createLocalRuntime(topology: TopologySpec, deps: { clock: Clock; logger: Logger; partitions: number; batchSize?: number }): LocalRuntime {
  // Flushing a finished input moves this runtime's wall clock forward (skew),
  // so processors see the quiet time pass instead of it being faked per timer.
  let skew = 0;
  const clock: Clock = { now: () => deps.clock.now() + skew };
  const topics = new Map<string, LoggedRecord[][]>();
  const listeners = new Map<string, Set<TopicListener>>();
  const partitionsOf = (topic: string) => topology.topics.find((t) => t.name === topic)?.partitions ?? deps.partitions;
  const log = (topic: string): LoggedRecord[][] => {
    let t = topics.get(topic);
    if (!t) { t = Array.from({ length: partitionsOf(topic) }, () => []); topics.set(topic, t); }
    return t;
  };
  const executors = new Map<string, StageExecutor>();
  const positions = new Map<string, number[]>();
  for (const stage of topology.stages) {
    executors.set(stage.name, new StageExecutor(stage, { app: topology.app, clock, logger: deps.logger.child({ stage: stage.name }), dlqTopic: topology.dlqTopic, partitionsOf }));
    positions.set(stage.name, Array.from({ length: partitionsOf(stage.input.topic) }, () => 0));
  }
  const changelogTopics = new Set<string>();
  for (const ex of executors.values()) for (const c of ex.changelogTopics()) changelogTopics.add(c.topic);

  const append = (m: OutMessage | (LoggedRecord & { topic: string; partition: number })) => {
    // Changelogs exist for the Kafka runtime's restore; in one process the stores are the state.
    if (changelogTopics.has(m.topic)) return;
    const parts = log(m.topic);
    const part = parts[m.partition]!;
    part.push({ key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers });
    const ls = listeners.get(m.topic);
    if (ls) for (const l of ls) l({ topic: m.topic, partition: m.partition, offset: part.length - 1, key: m.key?.toString() ?? null, value: m.value, headers: m.headers, timestamp: m.timestamp });
  };

  const batchSize = deps.batchSize ?? 500;

  async function stepStage(name: string): Promise<number> {
    const ex = executors.get(name)!;
    const pos = positions.get(name)!;
    const parts = log(ex.spec.input.topic);
    let n = 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      if (pos[p]! >= part.length) continue;
      if (!ex.has(p)) await ex.open(p);
      const end = Math.min(part.length, pos[p]! + batchSize);
      for (let o = pos[p]!; o < end; o++) {
        const m = part[o]!;
        ex.submit({ topic: ex.spec.input.topic, partition: p, offset: BigInt(o), key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers });
      }
      n += end - pos[p]!;
      pos[p] = end;
    }
    await ex.drain();
    commit(ex);
    return n;
  }

  function commit(ex: StageExecutor) {
    const c = ex.takeCommittable();
    for (const m of c.messages) append(m);
  }

  async function runUntilIdle(opts: { flushWallTimers?: boolean } = {}): Promise<number> {
    let total = 0;
    let flushPasses = 0;
    for (;;) {
      let n = 0;
      for (const name of executors.keys()) n += await stepStage(name);
      if (n === 0 && opts.flushWallTimers) {
        let fired = 0;
        // The input is exhausted, so every open session is quiet: move this
        // runtime's wall clock to the next deadline and fire what is due.
        let next = Number.POSITIVE_INFINITY;
        for (const ex of executors.values()) next = Math.min(next, ex.nextWallDeadline());
        if (next !== Number.POSITIVE_INFINITY) {
          const now = clock.now();
          if (next > now) skew += next - now;
          for (const ex of executors.values()) {
            fired += ex.fireWallTimers();
            await ex.drain();
            commit(ex);
          }
        }
        // A processor that keeps rescheduling wall timers forever would never let a flush end.
        if (fired > 0 && ++flushPasses < 10_000) continue;
      }
      total += n;
      if (n === 0) return total;
    }
  }

  let liveTimer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    executors,
    produce(topic, rec) {
      const key = rec.key === null ? null : Buffer.isBuffer(rec.key) ? rec.key : Buffer.from(rec.key);
      append({ topic, partition: partitionFor(key, partitionsOf(topic)), key, value: encodeValue(rec.value), timestamp: rec.timestamp, headers: rec.headers ?? {} });
    },
    runUntilIdle,
    startLive(intervalMs = 200) {
      if (liveTimer) return;
      liveTimer = setInterval(() => {
        running = running.then(async () => {
          for (const ex of executors.values()) { ex.fireWallTimers(); await ex.drain(); commit(ex); }
          await runUntilIdle();
        }).catch((err) => deps.logger.error({ err }, 'local runtime step failed'));
      }, intervalMs);
    },
    async stop() {
      if (liveTimer) clearInterval(liveTimer);
      liveTimer = undefined;
      await running;
      for (const ex of executors.values()) await ex.close();
    },
    subscribe(topic, listener) {
      let s = listeners.get(topic);
      if (!s) { s = new Set(); listeners.set(topic, s); }
      s.add(listener);
      return () => s!.delete(listener);
    },
    read(topic) {
      const out: Array<{ key: string | null; value: never; partition: number; offset: number; headers: Record<string, string> }> = [];
      log(topic).forEach((part, partition) => part.forEach((m, offset) => out.push({ key: m.key?.toString() ?? null, value: (m.value ? JSON.parse(m.value.toString()) : null) as never, partition, offset, headers: m.headers })));
      return out;
    },
  };
}
