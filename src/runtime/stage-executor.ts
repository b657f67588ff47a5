import type { Logger } from 'pino';
import type { Clock, StreamRecord } from '../stream/processor-api.js';
import { changelogTopic, TIMER_STORE, type StageSpec } from '../stream/stage.js';
import { StageTask, newUnit, type WorkUnit } from './task.js';
import { decodeKey, decodeValue, encodeValue } from './serde.js';
import { buildDeadLetter } from './dead-letter.js';
import { partitionFor } from './partitioner.js';
import { metrics } from '../core/metrics.js';
import { errorMessage } from '../core/errors.js';

/** Largest record leadwire writes; Kafka's default message.max.bytes is 1 MiB. */
export const MAX_RECORD_BYTES = 900 * 1024;

/** A record ready for any broker: both runtimes write exactly these. */
export interface OutMessage {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface InMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, string>;
}

export interface Committable {
  messages: OutMessage[];
  /** Next offset to consume per input partition (last committed record + 1). */
  offsets: Map<number, bigint>;
  units: number;
}

interface PartitionState {
  task: StageTask;
  queue: WorkUnit[];
  lastEnqueued: bigint;
}

export interface ExecutorDeps {
  app: string;
  clock: Clock;
  logger: Logger;
  dlqTopic: string;
  /** Partition count of a topic the stage writes to. */
  partitionsOf(topic: string): number;
}

/**
 * Runs one stage over the partitions a runtime assigns to it. Knows nothing of
 * Kafka: a runtime feeds it input messages and takes committable prefixes of
 * finished work (outputs, dead letters and changelog writes in input order).
 */
export class StageExecutor {
  private readonly parts = new Map<number, PartitionState>();

  constructor(readonly spec: StageSpec, private readonly deps: ExecutorDeps) {}

  get partitions(): number[] { return [...this.parts.keys()]; }
  has(p: number): boolean { return this.parts.has(p); }

  changelogTopics(): Array<{ store: string; topic: string }> {
    return [...this.spec.stores, { name: TIMER_STORE, doc: 'timers' }].map((s) => ({ store: s.name, topic: changelogTopic(this.deps.app, this.spec.name, s) }));
  }

  /**
   * Opens a partition: restores its stores from the changelog entries the
   * runtime read (key, value|null per store), then initialises the processor.
   */
  async open(partition: number, restore?: (apply: (store: string, key: string, value: unknown | null) => void) => Promise<void>): Promise<void> {
    if (this.parts.has(partition)) return;
    const state: PartitionState = { task: undefined as unknown as StageTask, queue: [], lastEnqueued: -1n };
    const task = new StageTask(this.spec, partition, {
      clock: this.deps.clock,
      logger: this.deps.logger.child({ partition }),
      onTimerUnit: (u) => state.queue.push(u),
    });
    state.task = task;
    if (restore) await restore((store, key, value) => task.restore(store, key, value));
    await task.init();
    this.parts.set(partition, state);
    for (const s of task.storeNames()) metrics.storeEntries.set({ stage: this.spec.name, store: s }, this.storeSize(s));
  }

  /** Drops a partition's task and unfinished work (another owner will redo it from committed offsets). */
  async revoke(partition: number): Promise<void> {
    const s = this.parts.get(partition);
    if (!s) return;
    this.parts.delete(partition);
    try { await s.task.close(); } catch (err) { this.deps.logger.warn({ err, partition }, 'close on revoke failed'); }
  }

  inFlight(partition?: number): number {
    if (partition !== undefined) return this.parts.get(partition)?.queue.length ?? 0;
    let n = 0;
    for (const s of this.parts.values()) n += s.queue.length;
    return n;
  }

  /** Units started but not finished (the ones that count against a stage's concurrency). */
  running(partition: number): number {
    const q = this.parts.get(partition)?.queue;
    if (!q) return 0;
    let n = 0;
    for (const u of q) if (!u.done) n++;
    return n;
  }

  storeSize(store: string): number {
    let n = 0;
    for (const s of this.parts.values()) n += s.task.storeSize(store);
    return n;
  }

  lastEnqueued(partition: number): bigint { return this.parts.get(partition)?.lastEnqueued ?? -1n; }

  /** Feeds one input message. Returns false when it was skipped as already enqueued (re-fetch after a rebalance). */
  submit(m: InMessage): boolean {
    const s = this.parts.get(m.partition);
    if (!s) throw new Error(`stage ${this.spec.name}: partition ${m.partition} not open`);
    if (m.offset <= s.lastEnqueued) return false;
    s.lastEnqueued = m.offset;
    metrics.recordsIn.inc({ stage: this.spec.name, topic: m.topic });
    const origin = { topic: m.topic, partition: m.partition, offset: m.offset.toString() };
    let value: unknown;
    try {
      value = decodeValue(this.spec.input.serde, m.value);
    } catch (err) {
      const unit = newUnit(null, m.offset);
      unit.deadLetters.push({ reason: 'undecodable', message: errorMessage(err), original: m.value, originalKey: m.key, record: null, stage: this.spec.name });
      unit.origin = origin;
      unit.done = true;
      s.queue.push(unit);
      return true;
    }
    const record: StreamRecord<unknown> = { key: decodeKey(m.key), value, timestamp: m.timestamp, headers: m.headers, origin };
    s.task.advanceStreamTime(m.timestamp);
    const unit = newUnit(record, m.offset);
    s.queue.push(unit);
    const r = s.task.run(unit);
    if (r) r.catch(() => { /* failures are recorded on the unit */ });
    return true;
  }

  /** Fires due wall-clock timers on every partition (all of them with now = +Infinity). */
  fireWallTimers(now?: number): number {
    let n = 0;
    for (const s of this.parts.values()) n += now === undefined ? s.task.fireDue('wall') : s.task.fireDue('wall', now);
    return n;
  }

  nextWallDeadline(): number {
    let n = Number.POSITIVE_INFINITY;
    for (const s of this.parts.values()) n = Math.min(n, s.task.nextDeadline('wall') ?? Number.POSITIVE_INFINITY);
    return n;
  }

  /** Waits for all running units of all partitions. */
  async drain(): Promise<void> {
    await Promise.all([...this.parts.values()].map((s) => s.task.drain()));
  }

  /**
   * Takes, per partition (or of partition `only`), the longest prefix of
   * finished units and turns it into output messages. Changelog writes are collapsed to the last value per
   * key: the compacted topic only needs the latest.
   */
  takeCommittable(maxUnits = Infinity, only?: number): Committable {
    const messages: OutMessage[] = [];
    const offsets = new Map<number, bigint>();
    let units = 0;
    for (const [p, s] of this.parts) {
      if (only !== undefined && p !== only) continue;
      let i = 0;
      while (i < s.queue.length && s.queue[i]!.done && units < maxUnits) { i++; units++; }
      if (i === 0) continue;
      const taken = s.queue.splice(0, i);
      const changelog = new Map<string, { topic: string; store: string; key: string; value: unknown | null; settle: true | undefined; ts: number }>();
      for (const u of taken) {
        if (u.offset !== undefined) offsets.set(p, u.offset + 1n);
        // An output's event time never leads the clock: one skewed created_at would push
        // the next stage's stream time, and every session's deadlines, into the future.
        // Here, not in the Kafka writer, so both runtimes give the same results.
        const now = this.deps.clock.now();
        const ts = Math.min(u.record?.timestamp ?? now, now);
        for (const o of u.outputs) {
          const topic = this.spec.outputs[o.output]!.topic;
          const key = o.record.key === null ? null : Buffer.from(o.record.key);
          const value = encodeValue(o.record.value);
          if (value && value.length > MAX_RECORD_BYTES) {
            // One oversized output must not fail every transaction after it.
            u.deadLetters.push({ reason: 'output_too_large', message: `${topic} record of ${value.length} bytes exceeds ${MAX_RECORD_BYTES}`, original: value.subarray(0, 64 * 1024), originalKey: key, record: u.record, stage: this.spec.name });
            continue;
          }
          messages.push({ topic, partition: partitionFor(key, this.deps.partitionsOf(topic)), key, value, headers: o.record.headers ?? {}, timestamp: Math.min(o.record.timestamp ?? ts, now) });
          metrics.recordsOut.inc({ stage: this.spec.name, topic });
        }
        for (const d of u.deadLetters) {
          const origin = d.record?.origin ?? u.origin;
          const original = d.original !== undefined ? d.original : d.record ? encodeValue(d.record.value) : null;
          const dl = buildDeadLetter({ stage: d.stage, reason: d.reason, message: d.message, origin, original, originalKey: d.originalKey ?? d.record?.key ?? null, now: this.deps.clock.now() });
          messages.push({ topic: this.deps.dlqTopic, partition: 0, key: dl.key === null ? null : Buffer.from(dl.key), value: encodeValue(dl.value), headers: dl.headers, timestamp: this.deps.clock.now() });
          metrics.dlq.inc({ stage: this.spec.name, reason: d.reason });
        }
        for (const c of u.changelog) {
          const topic = this.changelogTopicOf(c.store);
          changelog.set(`${topic}\u0000${c.key}`, { topic, store: c.store, key: c.key, value: c.value, settle: c.settle, ts });
        }
      }
      for (const c of changelog.values()) {
        let value: Buffer | null;
        if (c.value === null || c.value === undefined) {
          value = null;
        } else {
          const text = s.task.encodeStoreValue(c.store, c.value);
          if (c.settle) s.task.settle(c.store, c.key, c.value, text);
          value = Buffer.from(text);
        }
        messages.push({ topic: c.topic, partition: p, key: Buffer.from(c.key), value, headers: {}, timestamp: c.ts });
      }
    }
    return { messages, offsets, units };
  }

  private changelogTopicCache = new Map<string, string>();
  private changelogTopicOf(store: string): string {
    let t = this.changelogTopicCache.get(store);
    if (!t) {
      t = this.changelogTopics().find((c) => c.store === store)!.topic;
      this.changelogTopicCache.set(store, t);
    }
    return t;
  }

  async close(): Promise<void> {
    for (const p of [...this.parts.keys()]) await this.revoke(p);
  }
}
