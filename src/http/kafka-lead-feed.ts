// Feeds the in-memory read model from Kafka: lead scores (compacted, so the
// beginning holds the latest score of every conversation), lead events,
// feedback and, for the transcript excerpt, conversation snapshots. Each
// server reads from the beginning in its own consumer group and never commits:
// the read model is rebuilt from the topics on every start, like a cache.
import type { Logger } from 'pino';
import type { Kafka } from '../adapters/kafka/kafka-client.js';
import { createCatchUpReader } from '../adapters/kafka/catch-up-reader.js';
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
  const apply = createTopicApplier(t, deps.model, (topic, err) => deps.logger.warn({ topic, err: (err as Error).message }, 'skipped a record the read model cannot use'));
  const reader = createCatchUpReader(deps.kafka, {
    topics: [transcriptTopic, t.leadScores, t.leadEvents, t.feedback],
    groupPrefix: deps.groupPrefix,
    onMessage: apply,
    onCaughtUp: () => deps.logger.info({ leads: deps.model.size() }, 'read model caught up with the lead topics'),
  });
  return {
    start: () => reader.start(),
    async ready() {
      const p = reader.progress();
      if (p.failure) return { ok: false, detail: p.failure };
      if (!p.started) return { ok: false, detail: 'not started' };
      if (!p.caughtUp) return { ok: false, detail: `reading the lead topics: ${p.partitionsLeft} partitions to go` };
      return { ok: true, detail: `${deps.model.size()} leads` };
    },
    stop: () => reader.stop(),
  };
}
