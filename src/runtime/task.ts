import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type {
  RecordOrigin, Clock, DeadLetter, KeyValueStore, OutputRecord, Processor, ProcessorContext, StreamRecord, Timer, TimerKind, Timers,
} from '../stream/processor-api.js';
import { TimerHeap } from './timer-heap.js';
import { createPromMetrics } from './prom-metrics.js';
import type { StageMetrics } from '../stream/stage-metrics.js';
import { TIMER_STORE, type StageSpec, type StoreCodec } from '../stream/stage.js';

/**
 * A store write, to be appended to the store's changelog in the same commit.
 * `settle` marks a serialized store's value that waits for the commit's
 * encoding (StageTask.settle gives the text back to the store).
 */
export interface ChangelogWrite { store: string; key: string; value: unknown | null; settle?: true }

/** The outputs of one input record (or one timer firing). A runtime commits units in input order. */
export interface WorkUnit {
  record: StreamRecord<unknown> | null;
  offset?: bigint;
  /** Where the input came from when it could not even be decoded into a record. */
  origin?: RecordOrigin;
  outputs: Array<{ output: string; record: OutputRecord<unknown> }>;
  deadLetters: Array<DeadLetter & { record: StreamRecord<unknown> | null; stage: string }>;
  changelog: ChangelogWrite[];
  done: boolean;
  error?: unknown;
}

/**
 * The work unit a processor call belongs to, carried across its awaits. One
 * instance for the process, not one per task: on Node 20 every promise pays
 * for every AsyncLocalStorage ever created (≈14 µs per await with 40 of them),
 * and a `--stage all` worker opens dozens of tasks, more after each rebalance.
 * A unit belongs to one task, so one storage serves them all.
 */
const unitContext = new AsyncLocalStorage<WorkUnit>();

/** Key of the task's stream time in the timers store (not a timer). */
export const STREAM_TIME_KEY = '__stream_time';

export function newUnit(record: StreamRecord<unknown> | null, offset?: bigint): WorkUnit {
  return { record, offset, outputs: [], deadLetters: [], changelog: [], done: false };
}

type OnWrite = (store: string, key: string, value: unknown | null, settle?: true) => void;

interface RestorableStore<V> extends KeyValueStore<V> {
  /** Restore path: no changelog write. `raw` is the changelog value's bytes (null: deleted). */
  restore(key: string, raw: Buffer | string | V | null): void;
}

class TaskStore<V> implements RestorableStore<V> {
  readonly map = new Map<string, V>();
  constructor(readonly name: string, private readonly onWrite: OnWrite, private readonly codec?: StoreCodec<V>) {}
  get(key: string) { return this.map.get(key); }
  has(key: string) { return this.map.has(key); }
  put(key: string, value: V) { this.map.set(key, value); this.onWrite(this.name, key, value); }
  delete(key: string) { if (this.map.delete(key)) this.onWrite(this.name, key, null); }
  entries() { return this.map.entries(); }
  get size() { return this.map.size; }
  restore(key: string, raw: Buffer | string | V | null) {
    if (raw === null) { this.map.delete(key); return; }
    if (!Buffer.isBuffer(raw)) { this.map.set(key, raw as V); return; }
    const json: unknown = JSON.parse(raw.toString());
    this.map.set(key, this.codec ? this.codec.decode(json) : json as V);
  }
}

/** A value put since the last commit, not yet encoded. */
class Pending<V> { constructor(readonly value: V) {} }

/**
 * Keeps each value as its JSON text, with a small cache of decoded values for
 * the keys in use. A conversation's state as one string costs a fraction of the
 * same state as a graph of small objects, and the text is exactly what the
 * changelog needs, so the text is encoded once for both.
 *
 * A put is not encoded at once: a busy key is put once per record but its
 * changelog only needs the last value of each commit, so the value waits as an
 * object until the commit encodes it (`settle`) and the store keeps that text.
 * This relies on the store contract that a value is not mutated after a put
 * (a processor that changes state puts a new object).
 */
class SerializedTaskStore<V> implements RestorableStore<V> {
  private readonly data = new Map<string, string | Pending<V>>();
  private readonly cache = new Map<string, V>();
  constructor(readonly name: string, private readonly onWrite: OnWrite, private readonly cacheSize: number, private readonly codec?: StoreCodec<V>) {}
  private parse(text: string): V {
    const json: unknown = JSON.parse(text);
    return this.codec ? this.codec.decode(json) : json as V;
  }
  get(key: string): V | undefined {
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const stored = this.data.get(key);
    if (stored === undefined) return undefined;
    const value = stored instanceof Pending ? stored.value : this.parse(stored);
    this.remember(key, value);
    return value;
  }
  has(key: string) { return this.data.has(key); }
  put(key: string, value: V) {
    this.data.set(key, new Pending(value));
    this.remember(key, value);
    this.onWrite(this.name, key, value, true);
  }
  /** The commit encoded `value` for the changelog: keep that text unless a newer put replaced it. */
  settle(key: string, value: unknown, text: string) {
    const stored = this.data.get(key);
    if (stored instanceof Pending && stored.value === value) this.data.set(key, text);
  }
  delete(key: string) {
    this.cache.delete(key);
    if (this.data.delete(key)) this.onWrite(this.name, key, null);
  }
  *entries(): IterableIterator<[string, V]> {
    for (const [k, stored] of this.data) yield [k, stored instanceof Pending ? stored.value : this.cache.get(k) ?? this.parse(stored)];
  }
  get size() { return this.data.size; }
  restore(key: string, raw: Buffer | string | V | null) {
    this.cache.delete(key);
    if (raw === null) { this.data.delete(key); return; }
    this.data.set(key, Buffer.isBuffer(raw) ? raw.toString() : typeof raw === 'string' ? raw : JSON.stringify(this.codec ? this.codec.encode(raw) : raw));
  }
  private remember(key: string, value: V) {
    this.cache.delete(key);
    this.cache.set(key, value);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }
}

export interface TaskDeps {
  clock: Clock;
  logger: Logger;
  /** Receives each unit a timer (or init) creates, in creation order; default: kept in `timerUnits`. */
  onTimerUnit?: (unit: WorkUnit) => void;
  /** Where ctx.metrics() reports; default: the process's Prometheus registry. */
  metrics?: StageMetrics;
}

/**
 * One stage's processor for one input partition, with its stores and timers.
 * Records run in order per key; different keys may overlap up to the stage's
 * concurrency. Every forward, dead letter and store write is attributed to the
 * unit being processed so the runtime can commit them with that unit's offset.
 */
export class StageTask {
  readonly processor: Processor<unknown, unknown>;
  private readonly stores = new Map<string, RestorableStore<unknown>>();
  private readonly heaps: Record<TimerKind, TimerHeap> = { event: new TimerHeap(), wall: new TimerHeap() };
  private current: WorkUnit | null = null;
  private readonly keyTails = new Map<string, Promise<void>>();
  private inFlightCount = 0;
  private maxEventTime = Number.NEGATIVE_INFINITY;
  private persistedStreamTime = Number.NEGATIVE_INFINITY;
  private initialised = false;
  readonly ctx: ProcessorContext<unknown>;
  /** Units produced by timers; the runtime drains them on each commit. */
  readonly timerUnits: WorkUnit[] = [];

  constructor(readonly spec: StageSpec, readonly partition: number, private readonly deps: TaskDeps) {
    this.processor = spec.processor();
    const onWrite: OnWrite = (store, key, value, settle) => this.unit('store write').changelog.push(settle ? { store, key, value, settle } : { store, key, value });
    for (const s of spec.stores) this.stores.set(s.name, s.serialized ? new SerializedTaskStore(s.name, onWrite, s.cacheSize ?? 1000, s.codec) : new TaskStore(s.name, onWrite, s.codec));
    this.stores.set(TIMER_STORE, new TaskStore(TIMER_STORE, onWrite));
    const timerStore = this.stores.get(TIMER_STORE)! as TaskStore<Timer>;
    const heaps = this.heaps;
    const timers: Timers = spec.timers === 'derived'
      ? {
        schedule(t) { heaps[t.kind].schedule(t); },
        cancel(id, kind) { heaps[kind].cancel(id); },
        get(id, kind) { return heaps[kind].get(id); },
      }
      : {
        schedule(t) { heaps[t.kind].schedule(t); timerStore.put(`${t.kind}:${t.id}`, t); },
        cancel(id, kind) { if (heaps[kind].cancel(id)) timerStore.delete(`${kind}:${id}`); },
        get(id, kind) { return heaps[kind].get(id); },
      };
    const self = this;
    const stageMetrics = deps.metrics ?? createPromMetrics(spec.name);
    this.ctx = {
      stage: spec.name,
      partition,
      logger: deps.logger,
      clock: deps.clock,
      streamTime: () => self.maxEventTime,
      forward(record: OutputRecord<unknown>, output = 'default') {
        if (!spec.outputs[output]) throw new Error(`stage ${spec.name} has no output named ${output}`);
        self.unit('forward').outputs.push({ output, record });
      },
      deadLetter(letter: DeadLetter) {
        const u = self.unit('deadLetter');
        u.deadLetters.push({ ...letter, record: u.record, stage: spec.name });
      },
      getStore<V>(name: string) {
        const s = self.stores.get(name);
        if (!s) throw new Error(`stage ${spec.name} has no store named ${name}; declare it in the topology`);
        return s as unknown as KeyValueStore<V>;
      },
      timers,
      metrics: () => stageMetrics,
    };
  }

  private unit(what: string): WorkUnit {
    const u = unitContext.getStore() ?? this.current;
    if (!u) throw new Error(`${what} outside process()/onTimer() in stage ${this.spec.name}`);
    return u;
  }

  get inFlight(): number { return this.inFlightCount; }
  storeNames(): string[] { return [...this.stores.keys()]; }
  storeSize(name: string): number { return this.stores.get(name)?.size ?? 0; }

  /** Applies a changelog record during restore (before init): its bytes, or an already decoded value. */
  /** Hands a serialized store the text a commit encoded for a `settle` write. */
  settle(store: string, key: string, value: unknown, text: string): void {
    const s = this.stores.get(store);
    if (s instanceof SerializedTaskStore) s.settle(key, value, text);
  }

  /** A store value as its changelog carries it: JSON of the store's wire encoding. */
  encodeStoreValue(store: string, value: unknown): string {
    const codec = this.spec.stores.find((s) => s.name === store)?.codec;
    return JSON.stringify(codec ? codec.encode(value) : value);
  }

  restore(store: string, key: string, value: unknown | null): void {
    const s = this.stores.get(store);
    if (!s) return;
    s.restore(key, value);
  }

  async init(): Promise<void> {
    if (this.initialised) return;
    // Timers live in their store so they survive restarts; rebuild the heaps from it.
    const timerStore = this.stores.get(TIMER_STORE)! as TaskStore<Timer>;
    const derived = this.spec.timers === 'derived';
    const stale: string[] = [];
    for (const [k, t] of timerStore.entries()) {
      if (k === STREAM_TIME_KEY) {
        const restored = (t as unknown as { t: number }).t;
        this.maxEventTime = Math.max(this.maxEventTime, restored);
        this.persistedStreamTime = restored;
      } else if (derived) stale.push(k); // written before the stage derived its timers: init() schedules them again
      else this.heaps[t.kind].schedule(t);
    }
    const boot = newUnit(null);
    this.current = boot;
    for (const k of stale) timerStore.delete(k);
    try { await this.processor.init(this.ctx); } finally { this.current = null; }
    if (boot.outputs.length || boot.changelog.length) { boot.done = true; this.emitTimerUnit(boot); }
    this.initialised = true;
  }

  /**
   * Starts a unit in its key's order. Resolves when the unit is done (its
   * outputs are in `unit`). Sync processors complete before this returns.
   */
  run(unit: WorkUnit): Promise<void> | void {
    const key = unit.record?.key ?? '';
    const tail = this.keyTails.get(key);
    this.inFlightCount++;
    if (!tail) {
      const r = this.execute(unit);
      if (r === undefined) { this.inFlightCount--; return; }
      return this.chain(key, r);
    }
    return this.chain(key, tail.then(() => this.execute(unit)));
  }

  private chain(key: string, p: Promise<void>): Promise<void> {
    const next = p.finally(() => {
      this.inFlightCount--;
      if (this.keyTails.get(key) === next) this.keyTails.delete(key);
    });
    this.keyTails.set(key, next);
    return next;
  }

  private execute(unit: WorkUnit): Promise<void> | undefined {
    const rec = unit.record!;
    if (rec.timestamp > this.maxEventTime) this.maxEventTime = rec.timestamp;
    // Stream time is state: a task restored elsewhere must fire event timers at
    // the same points as the one before it (Kafka Streams keeps partition time
    // in the offset metadata for the same reason). One write per unit that
    // moved it, collapsed to one per commit.
    if (this.maxEventTime > this.persistedStreamTime) {
      this.persistedStreamTime = this.maxEventTime;
      unit.changelog.push({ store: TIMER_STORE, key: STREAM_TIME_KEY, value: { t: this.maxEventTime } });
      (this.stores.get(TIMER_STORE) as TaskStore<unknown>).map.set(STREAM_TIME_KEY, { t: this.maxEventTime });
    }
    return this.invoke(unit, () => this.processor.process(rec));
  }

  /**
   * Calls the processor inside the unit's async context, so forwards made after
   * an await are attributed to the right unit even when keys interleave.
   */
  private invoke(unit: WorkUnit, call: () => void | Promise<void>): Promise<void> | undefined {
    let r: void | Promise<void>;
    this.current = unit;
    try {
      r = unitContext.run(unit, call);
    } catch (err) {
      this.current = null;
      this.fail(unit, err);
      return undefined;
    }
    this.current = null;
    if (r && typeof (r as Promise<void>).then === 'function') {
      return (r as Promise<void>).then(() => { unit.done = true; }, (err) => this.fail(unit, err));
    }
    unit.done = true;
    return undefined;
  }

  private fail(unit: WorkUnit, err: unknown): void {
    // A processor that throws loses no record: the input goes to the DLQ with the error.
    unit.error = err;
    unit.outputs.length = 0;
    unit.deadLetters.push({ reason: 'processor_error', message: err instanceof Error ? err.message : String(err), record: unit.record, stage: this.spec.name });
    unit.done = true;
    this.deps.logger.error({ err, stage: this.spec.name, origin: unit.record?.origin }, 'processor threw; record sent to DLQ');
  }

  /** Waits for every running unit. */
  async drain(): Promise<void> {
    while (this.keyTails.size) await Promise.all([...this.keyTails.values()]);
  }

  /**
   * Advances stream time to `ts` and fires the event timers due before a record
   * with that timestamp is processed: a session that went quiet closes before
   * the message that follows the gap joins it.
   */
  advanceStreamTime(ts: number): number {
    if (ts <= this.maxEventTime) return 0;
    this.maxEventTime = ts;
    return this.fireDue('event', ts);
  }

  nextDeadline(kind: TimerKind): number | undefined { return this.heaps[kind].peek()?.at; }

  /**
   * Fires every timer of `kind` due at `now`, in deadline order, each in its
   * key's order. Event timers use stream time; wall timers the clock.
   */
  fireDue(kind: TimerKind, now: number = kind === 'event' ? this.maxEventTime : this.deps.clock.now()): number {
    if (!this.processor.onTimer) return 0;
    const timerStore = this.stores.get(TIMER_STORE)! as TaskStore<Timer>;
    let fired = 0;
    const pending: Promise<void>[] = [];
    // Take the due set first: a timer that reschedules itself in onTimer waits
    // for the next pass instead of spinning in this one.
    const due: Timer[] = [];
    for (let t = this.heaps[kind].popDue(now); t; t = this.heaps[kind].popDue(now)) due.push(t);
    for (const timer of due) {
      fired++;
      const unit = newUnit(null);
      this.emitTimerUnit(unit);
      const runIt = (): Promise<void> | void => this.invoke(unit, () => {
        timerStore.delete(`${kind}:${timer.id}`);
        return this.processor.onTimer!(timer);
      });
      const tail = this.keyTails.get(timer.key);
      if (!tail) {
        const r = runIt();
        if (r) { this.inFlightCount++; pending.push(this.chain(timer.key, r)); }
      } else {
        this.inFlightCount++;
        pending.push(this.chain(timer.key, tail.then(runIt)));
        continue;
      }
    }
    // Async timer units are tracked by their key chains (drain()) and by the unit's `done` flag.
    if (pending.length) void Promise.all(pending);
    return fired;
  }

  private emitTimerUnit(unit: WorkUnit): void {
    if (this.deps.onTimerUnit) this.deps.onTimerUnit(unit); else this.timerUnits.push(unit);
  }

  /** Takes the finished timer units (they commit with the next transaction). */
  takeTimerUnits(): WorkUnit[] {
    const done: WorkUnit[] = [];
    let i = 0;
    while (i < this.timerUnits.length && this.timerUnits[i]!.done) done.push(this.timerUnits[i++]!);
    this.timerUnits.splice(0, i);
    return done;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.processor.close();
  }
}
