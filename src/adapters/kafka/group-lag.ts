import type { Admin } from 'kafkajs';

/**
 * Committed lag of a consumer group on a topic: end offsets minus committed
 * offsets (a partition with no commit counts from its start). On a topic
 * written transactionally the end includes the last commit marker, so a group
 * that is caught up can show a lag of one per partition.
 */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  let lag = 0;
  for (const e of ends) {
    const c = committed.find((p) => p.partition === e.partition);
    const co = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(e.low);
    lag += Math.max(0, Number(e.high) - co);
  }
  return lag;
}
