import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/** Consecutive fetches without any batch after which there is nothing left to read. */
const IDLE_FETCHES_DONE = 5;

export interface RestoreTarget { store: string; topic: string }

export type RestoredEntries = Map<number, Array<{ store: string; key: string; value: Buffer | null }>>;

/**
 * Reads the compacted changelogs of the given partitions from the beginning to
 * their current end (read committed) and returns the entries per partition, in
 * log order. kafkajs has no manual assignment, so a throwaway consumer group
 * reads the topics and ignores partitions we do not own; completion is known
 * from the end-of-batch events, which also cover batches of only transaction
 * markers.
 */
export async function restoreChangelogs(args: {
  kafka: Kafka; admin: Admin; logger: Logger; groupPrefix: string;
  targets: RestoreTarget[]; partitions: number[]; timeoutMs?: number;
}): Promise<{ entries: RestoredEntries; records: number; ms: number }> {
  const started = Date.now();
  const entries: RestoredEntries = new Map(args.partitions.map((p) => [p, []]));
  const wanted = new Set(args.partitions);
  const storeOf = new Map(args.targets.map((t) => [t.topic, t.store]));
  const pending = new Map<string, bigint>();
  for (const t of args.targets) {
    const offsets = await args.admin.fetchTopicOffsets(t.topic);
    for (const o of offsets) {
      if (!wanted.has(o.partition)) continue;
      if (BigInt(o.high) > BigInt(o.low)) pending.set(`${t.topic}:${o.partition}`, BigInt(o.high) - 1n);
    }
  }
  if (pending.size === 0) return { entries, records: 0, ms: Date.now() - started };

  const groupId = `${args.groupPrefix}-restore-${randomUUID()}`;
  const consumer = args.kafka.consumer({ groupId, maxWaitTimeInMs: 50, maxBytesPerPartition: 16 * 1024 * 1024, maxBytes: 64 * 1024 * 1024, readUncommitted: false, sessionTimeout: 30_000 });
  let records = 0;
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((r, j) => { resolveDone = r; rejectDone = j; });
  // A restore consumer that gives up (e.g. its coordinator still loading after a
  // broker restart) must fail the restore, not leave the stage waiting for it.
  consumer.on(consumer.events.CRASH, (e) => rejectDone(e.payload.error));
  // kafkajs reports no batch at all for a partition that holds only transaction
  // markers (e.g. aborted transactions that wrote nothing), so its end offset
  // may never be "seen". Fetches that bring no batch at all mean everything
  // readable has been read: after a few in a row the restore is complete.
  let idleFetches = 0;
  consumer.on(consumer.events.FETCH, () => {
    if (++idleFetches >= IDLE_FETCHES_DONE && pending.size > 0) {
      args.logger.debug({ pending: [...pending.keys()] }, 'restore: nothing more to read (marker-only partitions)');
      pending.clear();
      resolveDone();
    }
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    idleFetches = 0;
    const key = `${e.payload.topic}:${e.payload.partition}`;
    const last = pending.get(key);
    if (last !== undefined && BigInt(e.payload.lastOffset) >= last) {
      pending.delete(key);
      if (pending.size === 0) resolveDone();
    }
  });
  try {
    await consumer.connect();
    for (const t of args.targets) await consumer.subscribe({ topic: t.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (!wanted.has(batch.partition)) return;
        const store = storeOf.get(batch.topic)!;
        const list = entries.get(batch.partition)!;
        for (const m of batch.messages) {
          if (m.key === null) continue;
          // Raw bytes: each store decodes (or keeps the text, for serialized stores) on apply.
          list.push({ store, key: m.key.toString(), value: m.value });
          records++;
        }
      },
    });
    const timeoutMs = args.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`changelog restore did not finish in ${timeoutMs} ms; still pending: ${[...pending.keys()].join(', ')}`)), timeoutMs); })]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect().catch(() => {});
    await args.admin.deleteGroups([groupId]).catch(() => {});
  }
  const ms = Date.now() - started;
  args.logger.info({ partitions: args.partitions, records, ms }, 'restored state from changelog');
  return { entries, records, ms };
}
