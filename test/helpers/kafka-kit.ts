// Small helpers for integration tests on the real stack: unique names so tests
// never see each other's records, and read-committed readers.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stackEnv } from './stack-env.js';
import { groupLag as groupLagOf } from '../../src/adapters/kafka/group-lag.js';

export const env = stackEnv();
export const kafka = new Kafka({ clientId: 'leadwire-test', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try { return await fn(admin); } finally { await admin.disconnect(); }
}

export async function createTopics(names: string[], partitions = 3, configs: Record<string, string> = {}): Promise<void> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  await withAdmin((a) => a.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries })) }));
}

/** Commits a group's offsets at the current end of a topic, so it starts reading from now. */
export async function startGroupAtEnd(groupId: string, topic: string): Promise<void> {
  await withAdmin(async (a) => {
    const ends = await a.fetchTopicOffsets(topic);
    await a.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  });
}

export interface ReadRecord { topic: string; partition: number; offset: string; key: string | null; value: string | null; headers: Record<string, string> }

/**
 * A read-committed reader of topics from the beginning (or from the end at
 * creation with `fromEnd`). `records` fills as they arrive; `waitFor` polls a predicate.
 */
export async function reader(topics: string[], opts: { fromEnd?: boolean; readUncommitted?: boolean } = {}) {
  const groupId = uniqueId('reader');
  const position = new Map<string, number>();
  if (opts.fromEnd) {
    for (const t of topics) {
      await startGroupAtEnd(groupId, t);
      for (const p of await withAdmin((a) => a.fetchTopicOffsets(t))) position.set(`${t}/${p.partition}`, Number(p.high));
    }
  }
  const consumer = kafka.consumer({ groupId, readUncommitted: opts.readUncommitted ?? false, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  const records: ReadRecord[] = [];
  // Next offset to read per topic/partition, past control records (commit and abort markers) too:
  // kafkajs reports a batch of only markers as processed with its last offset.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const k = `${payload.topic}/${payload.partition}`;
    position.set(k, Math.max(position.get(k) ?? 0, Number(payload.lastOffset) + 1));
  });
  let joined!: () => void;
  const ready = new Promise<void>((r) => { joined = r; });
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      records.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
    },
  });
  await ready;
  return {
    records,
    of: (topic: string) => records.filter((r) => r.topic === topic),
    async waitFor(pred: () => boolean, timeoutMs = 60_000, what = 'records'): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; have ${records.length} records`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /**
     * Reads every topic to the end offsets it has now. Once the stages writing them have committed
     * their input (`caughtUp`), this is "nothing more will arrive", decided by offsets, not by a pause.
     */
    async readToEnd(timeoutMs = 60_000): Promise<void> {
      const ends = await withAdmin(async (a) => (await Promise.all(topics.map(async (t) => (await a.fetchTopicOffsets(t)).map((p) => ({ k: `${t}/${p.partition}`, end: Number(p.high) }))))).flat());
      await waitFor(() => ends.every((e) => e.end === 0 || (position.get(e.k) ?? 0) >= e.end), timeoutMs, `reading ${topics.join(', ')} to offsets ${ends.map((e) => `${e.k}:${e.end}`).join(' ')}`);
    },
    close: () => consumer.disconnect(),
  };
}

/**
 * Waits until a consumer group has committed every record of `topic`. A stage commits its input
 * offsets in the transaction of its outputs, so after this its outputs are all committed too. On a
 * topic written in transactions one commit marker per partition is never handed to a consumer.
 */
export async function caughtUp(groupId: string, topic: string, timeoutMs: number, opts: { transactional?: boolean } = {}): Promise<void> {
  const slack = opts.transactional ? 1 : 0;
  await waitFor(async () => withAdmin(async (a) => {
    const ends = await a.fetchTopicOffsets(topic);
    const committed = (await a.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
    return ends.every((e) => {
      const c = Number(committed.find((p) => p.partition === e.partition)?.offset ?? -1);
      return Number(e.high) === Number(e.low) || (c >= 0 && Number(e.high) - c <= slack);
    });
  }), timeoutMs, `group ${groupId} to commit all of ${topic}`);
}

export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Lag of a consumer group on a topic (end offsets minus committed). */
export async function groupLag(groupId: string, topic: string): Promise<number> {
  return withAdmin((a) => groupLagOf(a, groupId, topic));
}

/** Members of a consumer group when it is stable (0 otherwise). */
export async function stableMembers(groupId: string): Promise<number> {
  return withAdmin(async (a) => {
    const g = (await a.describeGroups([groupId])).groups[0];
    return g && g.state === 'Stable' ? g.members.length : 0;
  });
}
