import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../topology/stage.js';

/**
 * Creates the topics that do not exist yet; existing topics are left alone (their partition count
 * is part of the data's keying and is never changed behind the user's back).
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], replicationFactor: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions ?? 1,
      replicationFactor,
      configEntries: [
        ...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
        ...(t.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : []),
      ],
    })),
  });
  return missing.map((t) => t.name);
}
