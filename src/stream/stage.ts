// How a stage is declared in the topology. The runtimes read these; processors
// never see them.
import type { ProcessorFactory } from './processor-api.js';

export type Serde = 'bytes' | 'json';

export interface TopicSpec {
  name: string;
  partitions?: number;
  compacted?: boolean;
  retentionMs?: number;
  /** Largest record the topic accepts (max.message.bytes); Kafka's default is 1 MiB. */
  maxMessageBytes?: number;
  doc: string;
}

/**
 * How a store's values look on the wire (its changelog, and a serialized
 * store's text): code works with full names, the encoding may shorten keys.
 * `decode` must also read every encoding an earlier version wrote, so old
 * changelogs still restore.
 */
export interface StoreCodec<V = any> {
  encode(value: V): unknown;
  decode(json: unknown): V;
}

export interface StoreSpec {
  name: string;
  /** Encoding of values on the wire (default: the value as JSON). */
  codec?: StoreCodec;
  /**
   * Keep values as JSON text with a cache of `cacheSize` decoded values: for
   * large stores of big values (memory), at the cost of a decode on a cache miss.
   * Values must be plain JSON data.
   */
  serialized?: boolean;
  cacheSize?: number;
  /** Compacted changelog topic; the runtime derives `<app>-<stage>-<store>-changelog` when absent. */
  changelog?: string;
  doc: string;
}

export interface StageSpec<In = unknown, Out = unknown> {
  name: string;
  doc: string;
  input: { topic: string; serde: Serde };
  /** Named outputs; `default` is where ctx.forward() without a name goes. */
  outputs: Record<string, { topic: string }>;
  stores: StoreSpec[];
  processor: ProcessorFactory<In, Out>;
  /** Records of different keys processed at once (1 = strictly sequential per partition). */
  concurrency: number;
  /** Interval at which the runtime fires due wall-clock timers. */
  wallTimerIntervalMs?: number;
  /**
   * Where timers come back from after a restart. `persisted` (default): every
   * schedule and cancel is a record of the `__timers` changelog. `derived`:
   * the processor's timers are a function of its stores, and its init()
   * schedules them again from there, so timers cost no changelog records
   * (the window's were half of what it wrote). Stream time is persisted either way.
   */
  timers?: 'persisted' | 'derived';
}

export interface TopologySpec {
  app: string;
  topics: TopicSpec[];
  stages: StageSpec<any, any>[];
  dlqTopic: string;
}

export const TIMER_STORE = '__timers';

export function changelogTopic(app: string, stage: string, store: StoreSpec): string {
  return store.changelog ?? `${app}-${stage}-${store.name}-changelog`;
}
