// Feeds the in-memory read model from Kafka: lead scores (compacted, so the
// beginning holds the latest score of every conversation), lead events,
// feedback and, for the transcript excerpt, conversation snapshots. Each
// server reads from the beginning in its own consumer group and never commits:
// the read model is rebuilt from the topics on every start, like a cache.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { MemoryLeadReadModel } from './memory-lead-read-model.js';
import { createTopicApplier, type FeedTopics } from './topic-feed.js';

export interface KafkaLeadFeed {
  start(): Promise<void>;
  /** Ready once every partition has been read up to where it ended when the feed started. */
  ready(): Promise<{ ok: boolean; detail?: string }>;
  stop(): Promise<void>;
}

export function createKafkaLeadFeed(deps: { kafka: Kafka; topics: FeedTopics; model: MemoryLeadReadModel; groupPrefix: string; logger: Logger; transcripts?: 'conversations' | 'signals' }): KafkaLeadFeed {
  const t = deps.topics;
  // conversations.v1 carries the full transcript; signals.v1 a slim one. One is enough.
  const transcriptTopic = deps.transcripts === 'signals' ? t.signals : t.conversations;
  const topics = [transcriptTopic, t.leadScores, t.leadEvents, t.feedback];
  const apply = createTopicApplier(t, deps.model, (topic, err) => deps.logger.warn({ topic, err: (err as Error).message }, 'skipped a record the read model cannot use'));
  let consumer: Consumer | undefined;
  // topic → partition → offset to reach before the read model is complete.
  const targets = new Map<string, Map<number, bigint>>();
  let caughtUp = false;
  let failure: string | undefined;

  const checkCaughtUp = () => {
    if (caughtUp) return;
    for (const parts of targets.values()) if (parts.size > 0) return;
    caughtUp = true;
    deps.logger.info({ leads: deps.model.size() }, 'read model caught up with the lead topics');
  };

  return {
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      try {
        for (const topic of topics) {
          const offs = await admin.fetchTopicOffsets(topic);
          const m = new Map<number, bigint>();
          for (const o of offs) if (BigInt(o.high) > BigInt(o.low)) m.set(o.partition, BigInt(o.high));
          targets.set(topic, m);
        }
      } finally {
        await admin.disconnect();
      }
      checkCaughtUp();
      consumer = deps.kafka.consumer({ groupId: `${deps.groupPrefix}-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false });
      consumer.on(consumer.events.CRASH, (e) => { failure = `consumer crashed: ${String((e.payload as { error?: Error }).error?.message ?? e.payload)}`; });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          apply(topic, message.value);
          const want = targets.get(topic)?.get(partition);
          if (want !== undefined && BigInt(message.offset) + 1n >= want) {
            targets.get(topic)!.delete(partition);
            checkCaughtUp();
          }
        },
      });
    },
    async ready() {
      if (failure) return { ok: false, detail: failure };
      if (!consumer) return { ok: false, detail: 'not started' };
      if (!caughtUp) {
        const left = [...targets.values()].reduce((n, m) => n + m.size, 0);
        return { ok: false, detail: `reading the lead topics: ${left} partitions to go` };
      }
      return { ok: true, detail: `${deps.model.size()} leads` };
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}
