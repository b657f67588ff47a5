import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../../topology/stage.js';

/** Creates the topics that are missing (idempotent); existing topics are left as they are. */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], defaults: { partitions: number; replicationFactor: number }): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions ?? defaults.partitions,
      replicationFactor: defaults.replicationFactor,
      configEntries: [
        ...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '60000' }] : []),
        ...(t.retentionMs ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : []),
      ],
    })),
  }).catch((err: { type?: string }) => {
    // Another worker created it between list and create.
    if (err?.type !== 'TOPIC_ALREADY_EXISTS') throw err;
  });
  return missing.map((t) => t.name);
}

export async function partitionCounts(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  const md = await admin.fetchTopicMetadata({ topics });
  return new Map(md.topics.map((t) => [t.name, t.partitions.length]));
}
