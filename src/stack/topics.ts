import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../topology/stage.js';

/**
 * Creates the topics that do not exist yet; existing topics are left alone (their partition count
 * is part of the data's keying and is never changed behind the user's back).
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], replicationFactor: number): Promise<EnsureTopicsResult> {
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
  return { created: missing.map((t) => t.name), mismatched };
}

export interface EnsureTopicsResult {
  created: string[];
  /** Existing topics whose partition count differs from the spec (left as they are). */
  mismatched: { name: string; expected: number; actual: number }[];
}
