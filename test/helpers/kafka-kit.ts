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
  if (opts.fromEnd) for (const t of topics) await startGroupAtEnd(groupId, t);
  const consumer = kafka.consumer({ groupId, readUncommitted: opts.readUncommitted ?? false, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  const records: ReadRecord[] = [];
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
    close: () => consumer.disconnect(),
  };
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
