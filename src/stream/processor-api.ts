// The Processor API: what a stage sees. Processors import nothing from Kafka,
// pg, Qdrant or OpenAI; they get records, a context and the ports they were
// constructed with. Both runtimes (local and kafka) implement this contract.
import type { Logger } from 'pino';
import type { StageMetrics } from './stage-metrics.js';

export type Headers = Record<string, string>;

/** Where a record came from; carried so the DLQ can point at the exact input. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  /** Kafka offsets are int64: kept as a decimal string. */
  offset: string;
}

export interface StreamRecord<V = unknown> {
  key: string | null;
  /** null is a tombstone. */
  value: V | null;
  /** Event time in epoch ms (the source's timestamp unless a stage re-stamps it). */
  timestamp: number;
  headers: Headers;
  origin?: RecordOrigin;
}

export interface OutputRecord<V = unknown> {
  key: string | null;
  value: V | null;
  timestamp?: number;
  headers?: Headers;
}

export interface KeyValueStore<V> {
  readonly name: string;
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
  has(key: string): boolean;
  /** Iterates this task's entries; do not put/delete while iterating. */
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
}

export type TimerKind = 'event' | 'wall';

export interface Timer {
  /** Unique per task; scheduling an existing id replaces its deadline. */
  id: string;
  /** Deadline in epoch ms, on the event-time axis ('event') or the wall clock ('wall'). */
  at: number;
  kind: TimerKind;
  /** The record key the timer belongs to: it runs in that key's order. */
  key: string;
  data?: unknown;
}

export interface Timers {
  schedule(timer: Timer): void;
  cancel(id: string, kind: TimerKind): void;
  get(id: string, kind: TimerKind): Timer | undefined;
}

export interface Clock {
  /** Wall-clock epoch ms. */
  now(): number;
}

export interface DeadLetter {
  /** Short machine-readable reason, e.g. `invalid_envelope`. */
  reason: string;
  /** Human-readable detail (the validation error). */
  message: string;
  /** The original bytes if the processor has them (the runtime adds the origin). */
  original?: Buffer | string | null;
  originalKey?: Buffer | string | null;
}

export interface ProcessorContext<Out = unknown> {
  readonly stage: string;
  /** The input partition this task owns (0 in the local runtime's single task per partition). */
  readonly partition: number;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Highest event time seen by this task so far (−∞ before the first record). */
  streamTime(): number;
  /** Sends a record to the stage's output (or a named output when the stage has several). */
  forward(record: OutputRecord<Out>, output?: string): void;
  /** Sends the current input to the DLQ with the reason; processing continues. */
  deadLetter(letter: DeadLetter): void;
  getStore<V>(name: string): KeyValueStore<V>;
  readonly timers: Timers;
  /** What the processor reports besides its records: records it drops on purpose, domain counters. The runtime counts records in and out. */
  metrics(): StageMetrics;
}

export interface Processor<In = unknown, Out = unknown> {
  init(ctx: ProcessorContext<Out>): void | Promise<void>;
  process(record: StreamRecord<In>): void | Promise<void>;
  /** Called for each due timer, in deadline order, inside the timer key's order. */
  onTimer?(timer: Timer): void | Promise<void>;
  close(): void | Promise<void>;
}

export type ProcessorFactory<In = unknown, Out = unknown> = () => Processor<In, Out>;
