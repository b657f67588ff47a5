import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from '../../adapters/kafka/kafka-client.js';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../../config/schema.js';
import type { Clock } from '../../stream/processor-api.js';
import type { StageSpec } from '../../stream/stage.js';
import { StageExecutor, type Committable } from '../stage-executor.js';
import { restoreChangelogs } from '../../adapters/kafka/changelog-reader.js';
import { ensureTopics } from '../../adapters/kafka/topic-admin.js';
import { EVENT_TIME_HEADER, eventTimeOf, stampEventTime } from '../../adapters/kafka/event-time.js';
import { metrics } from '../../core/metrics.js';

export interface StageRunnerDeps {
  kafka: Kafka;
  admin: Admin;
  cfg: KafkaConfig;
  app: string;
  clock: Clock;
  logger: Logger;
  dlqTopic: string;
  partitionsOf(topic: string): number;
}

/** Most finished-but-uncommitted units a stage keeps before it waits for a commit. */
const MAX_UNCOMMITTED = 20_000;
/** Longest stretch a fetch batch is processed before the runner lets timers and I/O run. */
const YIELD_EVERY_MS = 50;
/** Bytes per produce request inside a transaction. */
const SEND_CHUNK_BYTES = 700 * 1024;
/**
 * Records per partition per produce request. kafkajs groups a request's
 * records by partition by copying the partition's array for every record
 * (quadratic): one input partition's changelog records all land in one
 * partition, so an unbounded request spent more time there than in encoding.
 */
const SEND_CHUNK_PER_PARTITION = 200;

/**
 * Runs one stage as its own consumer group with exactly-once
 * consume-transform-produce: every commit is one Kafka transaction per input
 * partition holding the outputs, dead letters and changelog writes of a
 * finished prefix of that partition plus its offset. Fetching runs ahead of
 * commits (pipelining); slow records never block heartbeats because processing
 * is not awaited inside the fetch loop.
 *
 * One transactional producer per input partition, its id derived from the
 * stage and the partition (not from the worker), as Kafka Streams did before
 * KIP-447: kafkajs cannot send the group generation with its offset commits,
 * so the broker cannot fence a worker that lost its partitions while stalled
 * (a GC pause, a stopped VM) and then commits. The new owner of a partition
 * initializes that partition's transactional id first: the stalled worker's
 * producer is fenced, its open transaction aborted, and only then is the
 * state restored and the committed offset read.
 */
export class KafkaStageRunner {
  readonly groupId: string;
  private executor!: StageExecutor;
  private consumer?: Consumer;
  /** Per owned input partition. */
  private producers = new Map<number, Producer>();
  private committing?: Promise<void>;
  private rebalancing = false;
  /** When the group last started a rebalance that has not ended in a join yet (null: joined). */
  private rebalancingSince: number | null = null;
  private assignment = new Set<number>();
  private restoring: Promise<void> = Promise.resolve();
  private paused = new Map<number, () => void>();
  private batchInProgress: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private failed = false;
  private readonly log: Logger;
  private heartbeatFn?: () => Promise<void>;
  /** Resolves when the runner stops for good (graceful stop, or a failure that needs a restart). */
  private exitResolve!: (err?: unknown) => void;
  readonly exited: Promise<unknown>;
  /** Observable counters (tests and /metrics): group joins after the first, rebalances seen, commits. */
  readonly counters = { joins: 0, rebalances: 0, commits: 0 };

  constructor(readonly spec: StageSpec, private readonly deps: StageRunnerDeps) {
    this.groupId = `${deps.app}-${spec.name}`;
    this.log = deps.logger.child({ stage: spec.name, instance: deps.cfg.instanceId });
    this.exited = new Promise((r) => { this.exitResolve = r; });
  }

  get stats() {
    return { partitions: [...this.assignment], inFlight: this.executor?.inFlight() ?? 0 };
  }

  async start(): Promise<void> {
    const { kafka, admin, cfg } = this.deps;
    this.executor = new StageExecutor(this.spec, { app: this.deps.app, clock: this.deps.clock, logger: this.log, dlqTopic: this.deps.dlqTopic, partitionsOf: this.deps.partitionsOf });
    const inputPartitions = this.deps.partitionsOf(this.spec.input.topic);
    await ensureTopics(admin, this.executor.changelogTopics().map((c) => ({ name: c.topic, partitions: inputPartitions, compacted: true, doc: `changelog of ${this.spec.name}/${c.store}` })), { partitions: inputPartitions, replicationFactor: cfg.replicationFactor });

    const rebalanceTimeout = Math.max(cfg.sessionTimeoutMs, 30_000);
    const consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: cfg.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(cfg.sessionTimeoutMs / 10)),
      rebalanceTimeout,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.REBALANCING, () => { this.rebalancing = true; this.counters.rebalances++; this.rebalancingSince ??= Date.now(); });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.rebalancingSince = null;
      this.counters.joins++;
      const parts = (e.payload.memberAssignment[this.spec.input.topic] ?? []) as number[];
      this.log.info({ partitions: parts, memberId: e.payload.memberId, duration: e.payload.duration }, 'joined the group');
      this.restoring = this.restoring.then(() => this.onAssigned(parts)).catch((err) => this.fail(err));
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.fail(e.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.spec.input.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => {
        this.batchInProgress = this.onBatch(payload);
        return this.batchInProgress;
      },
    });
    // Failures are handled inside commit (the stage restarts); nothing to do with the rejection here.
    this.timers.push(setInterval(() => { this.commit().catch(() => {}); }, cfg.commitIntervalMs));
    this.timers.push(setInterval(() => {
      if (this.rebalancing || this.stopping) return;
      const n = this.executor.fireWallTimers();
      if (n) metrics.timersFired.inc({ stage: this.spec.name, kind: 'wall' }, n);
    }, this.spec.wallTimerIntervalMs ?? 1000));
    // After a broker restart kafkajs can stay in a join that never completes (JoinGroup answered
    // "the coordinator is loading", then silence: tulios/kafkajs#267), holding the partitions while
    // reading nothing. A join that has not come past the broker's own bound on a rebalance is
    // stalled: the stage starts again from committed state, as after a crash.
    const joinDeadlineMs = joinStallDeadlineMs(rebalanceTimeout);
    this.timers.push(setInterval(() => {
      if (this.rebalancingSince === null || this.stopping || this.failed) return;
      const waited = Date.now() - this.rebalancingSince;
      if (waited > joinDeadlineMs) this.fail(Object.assign(new Error(`no group join ${waited} ms after a rebalance began (bound ${joinDeadlineMs} ms): the join is stalled`), { retriable: true }));
    }, 2000));
    this.log.info({ groupId: this.groupId, input: this.spec.input.topic }, 'stage started');
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    this.heartbeatFn = heartbeat;
    await this.withHeartbeats(this.restoring);
    const p = batch.partition;
    if (!this.executor.has(p)) return; // not ours (any more): kafkajs re-fetches after the join
    const limit = this.spec.concurrency;
    let slice = Date.now();
    for (const m of batch.messages) {
      if (!isRunning() || isStale() || this.stopping || this.failed) break;
      // A slow synchronous processor must not hold the event loop for a whole
      // fetch (seconds): the commit in flight, its transaction's timeout and
      // heartbeats all wait behind it.
      if (Date.now() - slice > YIELD_EVERY_MS) {
        await new Promise<void>((r) => setImmediate(r));
        slice = Date.now();
        if (!isRunning() || isStale() || this.stopping || this.failed || !this.executor.has(p)) break;
      }
      if (limit > 1 && this.executor.running(p) >= limit) {
        this.paused.set(p, pause());
        break;
      }
      this.executor.submit({ topic: batch.topic, partition: p, offset: BigInt(m.offset), key: m.key, value: m.value, timestamp: eventTimeOf(m), headers: stringHeaders(m.headers) });
      resolveOffset(m.offset);
    }
    metrics.lag.set({ stage: this.spec.name, topic: batch.topic, partition: String(p) }, Number(batch.offsetLag()));
    if (this.executor.inFlight() > MAX_UNCOMMITTED) await this.withHeartbeats(this.commit()).catch(() => {});
    await this.safeHeartbeat(heartbeat);
  }

  private async withHeartbeats<T>(p: Promise<T>): Promise<T> {
    const hb = this.heartbeatFn;
    if (!hb) return p;
    const t = setInterval(() => { void this.safeHeartbeat(hb); }, 2000);
    try { return await p; } finally { clearInterval(t); }
  }

  private async safeHeartbeat(hb: () => Promise<void>): Promise<void> {
    try { await hb(); } catch (err) {
      if ((err as { type?: string }).type === 'REBALANCE_IN_PROGRESS') this.rebalancing = true;
      else this.log.warn({ err }, 'heartbeat failed');
    }
  }

  private async onAssigned(parts: number[]): Promise<void> {
    const next = new Set(parts);
    // A transaction already in flight finishes (or fails) on its own producer first.
    await this.committing?.catch(() => {});
    // Commit nothing from before the join for partitions we lost: their new owner redoes them.
    for (const p of this.executor.partitions) {
      if (next.has(p)) continue;
      await this.executor.revoke(p);
      this.paused.delete(p);
      await this.closeProducer(p);
    }
    const added = parts.filter((p) => !this.executor.has(p));
    if (added.length) {
      // Fence first, then restore, then read the committed offsets: a stalled
      // former owner can then neither add to the changelog after we read it nor
      // move the offsets after we took them.
      await Promise.all(added.map((p) => this.openProducer(p)));
      this.log.info({ added }, 'restoring state of new partitions');
      const { entries, records, ms } = await restoreChangelogs({ kafka: this.deps.kafka, admin: this.deps.admin, logger: this.log, groupPrefix: this.groupId, targets: this.executor.changelogTopics(), partitions: added });
      await this.seekToCommitted(added);
      for (const p of added) {
        await this.executor.open(p, async (apply) => { for (const e of entries.get(p) ?? []) apply(e.store, e.key, e.value); });
      }
      metrics.restoreSeconds.observe({ stage: this.spec.name, store: 'all' }, ms / 1000);
      this.log.info({ added, records, ms }, 'partitions assigned and restored');
    }
    this.assignment = next;
    this.rebalancing = false;
  }

  private async openProducer(p: number): Promise<void> {
    const { kafka, cfg } = this.deps;
    const transactionalId = `${this.groupId}-${p}`;
    const producer = kafka.producer({
      transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: cfg.transactionTimeoutMs,
      // The first send of a transaction right after a commit usually meets
      // CONCURRENT_TRANSACTIONS (the coordinator is still writing the markers);
      // the client's 200 ms first backoff then stalls every commit. Java clients
      // retry that after 20 ms. Retries stay unbounded, as kafkajs requires for EoS.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 20 },
    });
    try {
      await producer.connect();
      // kafkajs registers the transactional id lazily, on the first transaction.
      // Do it now, before restoring: that fences the partition's former owner and
      // aborts its open transaction, which would otherwise hold the last stable
      // offset (and so our read-committed restore) until it timed out.
      const fence = await producer.transaction();
      await fence.abort();
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw err;
    }
    this.producers.set(p, producer);
    this.log.debug({ partition: p, transactionalId }, 'partition producer ready');
  }

  private async closeProducer(p: number): Promise<void> {
    const producer = this.producers.get(p);
    this.producers.delete(p);
    await producer?.disconnect().catch(() => {});
  }

  /**
   * kafkajs reads a new partition's committed offset at its first fetch after
   * the join, which may be before the former owner's last transaction was
   * fenced or completed: read it again now and fetch from there. A batch
   * fetched from the earlier position is then stale and dropped (isStale).
   */
  private async seekToCommitted(parts: number[]): Promise<void> {
    const topic = this.spec.input.topic;
    const [committed] = await this.deps.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
    const wanted = new Set(parts);
    for (const { partition, offset } of committed?.partitions ?? []) {
      // No committed offset yet (-1): kafkajs starts where the subscription says (the beginning).
      if (wanted.has(partition) && BigInt(offset) >= 0n) this.consumer!.seek({ topic, partition, offset });
    }
  }

  /** One transaction per input partition: its finished prefix's outputs, changelog writes and offset. */
  commit(): Promise<void> {
    if (this.committing) return this.committing;
    if (this.rebalancing || this.failed) return Promise.resolve();
    const txns: Array<Promise<void>> = [];
    for (const p of this.executor.partitions) {
      const producer = this.producers.get(p);
      if (!producer) continue;
      const c = this.executor.takeCommittable(Infinity, p);
      if (c.units > 0) txns.push(this.commitTransaction(p, producer, c));
    }
    this.resumePaused();
    if (txns.length === 0) return Promise.resolve();
    this.committing = Promise.all(txns).then(() => {}).finally(() => { this.committing = undefined; });
    return this.committing;
  }

  private async commitTransaction(partition: number, producer: Producer, c: Committable): Promise<void> {
    const txn = await producer.transaction();
    try {
      // A partition's record batch must stay under the broker's message.max.bytes
      // (1 MiB by default): send the transaction's records in bounded requests.
      let chunk: typeof c.messages = [];
      let bytes = 0;
      const perPartition = new Map<string, number>();
      const flush = async () => {
        if (!chunk.length) return;
        const byTopic = new Map<string, Array<{ key: Buffer | null; value: Buffer | null; partition: number; headers: Record<string, string>; timestamp: string }>>();
        // Written now, event time in a header: see event-time.ts for why.
        const now = this.deps.clock.now();
        for (const m of chunk) {
          let list = byTopic.get(m.topic);
          if (!list) { list = []; byTopic.set(m.topic, list); }
          list.push({ key: m.key, value: m.value, partition: m.partition, ...stampEventTime(m.timestamp, now, m.headers) });
        }
        await txn.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        chunk = [];
        bytes = 0;
        perPartition.clear();
      };
      for (const m of c.messages) {
        const size = (m.value?.length ?? 0) + (m.key?.length ?? 0) + 64;
        const tp = `${m.topic}\u0000${m.partition}`;
        const n = perPartition.get(tp) ?? 0;
        if (bytes + size > SEND_CHUNK_BYTES || n >= SEND_CHUNK_PER_PARTITION) await flush();
        chunk.push(m);
        bytes += size;
        perPartition.set(tp, (perPartition.get(tp) ?? 0) + 1);
      }
      await flush();
      if (c.offsets.size) {
        await txn.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic: this.spec.input.topic, partitions: [...c.offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })) }] });
      }
      await txn.commit();
      metrics.commits.inc({ stage: this.spec.name });
      this.counters.commits++;
    } catch (err) {
      await txn.abort().catch(() => {});
      if (!this.executor.has(partition)) {
        // Revoked while committing (a new owner fenced us, or we dropped it): its work is redone there.
        this.log.info({ partition, err: (err as Error).message }, 'commit of a revoked partition dropped');
        return;
      }
      // Memory is now ahead of what is durable; only a rebuild from the changelog is safe.
      this.fail(err);
      throw err;
    }
  }

  private resumePaused(): void {
    for (const [p, resume] of this.paused) {
      if (this.executor.running(p) < Math.max(1, this.spec.concurrency / 2)) { resume(); this.paused.delete(p); }
    }
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.log.error({ err }, 'stage failed; it must restart from committed state');
    this.exitResolve(err);
  }

  /** Graceful: stop fetching, finish in-flight records, commit them, leave the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      // Stay in the group until the last transaction is committed (kafkajs'
      // stop() leaves at once): a successor that restored while it was still
      // open would start from state and offsets without it.
      if (this.consumer && !this.failed) {
        this.consumer.pause([{ topic: this.spec.input.topic }]);
        await this.batchInProgress?.catch(() => {});
      }
      if (!this.failed && this.executor) {
        await this.executor.drain();
        await this.committing?.catch(() => {});
        await this.commit().catch(() => {});
      }
      // A consumer stuck in a join may never stop: bounded, so a restart cannot hang behind it.
      await bounded(this.consumer?.stop(), STOP_BOUND_MS);
    } finally {
      await this.executor?.close().catch(() => {});
      await bounded(this.consumer?.disconnect(), STOP_BOUND_MS);
      await Promise.all([...this.producers.keys()].map((p) => this.closeProducer(p)));
      this.exitResolve();
    }
  }
}

const STOP_BOUND_MS = 15_000;

/** How long a rebalance may go without a join before the runner calls the join stalled. */
export function joinStallDeadlineMs(rebalanceTimeoutMs: number): number {
  // The broker ends a rebalance within its rebalance timeout; kafkajs' retries of a refused join add
  // a few seconds of backoff on top.
  return rebalanceTimeoutMs + 15_000;
}

async function bounded(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!p) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

function stringHeaders(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    // The event time is the record's timestamp inside the runtime, not a header processors pass on.
    if (v !== undefined && v !== null && k !== EVENT_TIME_HEADER) out[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return out;
}
