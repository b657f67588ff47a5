import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '../../stream/stage.js';

export interface EnsureTopicsResult {
  created: string[];
  /** Existing topics whose partition count differs from the spec: left as they are (the count is part of the keying). */
  mismatched: { name: string; expected: number; actual: number }[];
}

/** Broker-side settings of a topic from its spec. */
export function topicConfigEntries(t: TopicSpec): Array<{ name: string; value: string }> {
  return [
    ...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '60000' }] : []),
    ...(t.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : []),
    ...(t.maxMessageBytes !== undefined ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []),
  ];
}

/**
 * Creates the topics that are missing (idempotent); existing topics are never
 * changed behind the user's back, but a partition count that differs from the
 * spec is reported.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], defaults: { partitions: number; replicationFactor: number }): Promise<EnsureTopicsResult> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((t) => !existing.has(t.name));
  const present = specs.filter((t) => existing.has(t.name) && t.partitions !== undefined);
  const mismatched: EnsureTopicsResult['mismatched'] = [];
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const t of present) {
      const actual = meta.topics.find((m) => m.name === t.name)?.partitions.length;
      if (actual !== undefined && actual !== t.partitions) mismatched.push({ name: t.name, expected: t.partitions!, actual });
    }
  }
  if (missing.length === 0) return { created: [], mismatched };
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions ?? defaults.partitions, replicationFactor: defaults.replicationFactor, configEntries: topicConfigEntries(t) })),
  }).catch(async (err: { type?: string; retriable?: boolean }) => {
    // Another worker created it between list and create.
    if (err?.type === 'TOPIC_ALREADY_EXISTS') return;
    // On a loaded broker the metadata of a just-created topic can lag behind kafkajs' own wait for
    // its leaders (UNKNOWN_TOPIC_OR_PARTITION): wait for the leaders ourselves, bounded.
    if (!err?.retriable) throw err;
    await waitForLeaders(admin, missing.map((t) => t.name), err);
  });
  return { created: missing.map((t) => t.name), mismatched };
}

/** Waits (bounded) until every partition of the topics has a leader; throws `cause` past the bound. */
export async function waitForLeaders(admin: Admin, topics: string[], cause: unknown, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const led = await admin.fetchTopicMetadata({ topics }).then((m) => m.topics.length === topics.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)), () => false);
    if (led) return;
    if (Date.now() > until) throw cause;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function partitionCounts(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  const md = await admin.fetchTopicMetadata({ topics });
  return new Map(md.topics.map((t) => [t.name, t.partitions.length]));
}

/** Partitions of a topic (0 when it has none); throws when Kafka or the topic cannot be reached. */
export async function topicPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
