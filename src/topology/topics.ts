import type { Config } from '../config/schema.js';
import { sourceTopic } from '../config/schema.js';
import type { TopicSpec } from '../stream/stage.js';

/** Every topic leadwire reads or writes (besides changelogs), with its settings. */
export function leadwireTopics(config: Pick<Config, 'topics' | 'kafka'>): TopicSpec[] {
  const t = config.topics;
  const p = config.kafka.partitions;
  return [
    // One partition keeps Debezium's commit order end to end, so each conversation's
    // messages leave normalize in the order they were written. Normalize is cheap;
    // the scale-out happens after the re-key. More partitions still work: each
    // message's own changes stay ordered and the window re-sorts by (created_at, id).
    // A WireChat body is unbounded text: let an envelope with a few MB of body
    // through to normalize (which truncates it) instead of failing the connector.
    { name: sourceTopic(t), partitions: 1, maxMessageBytes: 8 * 1024 * 1024, doc: 'Debezium change events of wire_messages (written by Kafka Connect), key {id}' },
    { name: t.messages, partitions: p, doc: 'Normalized messages, key conversation_id' },
    { name: t.conversations, partitions: p, doc: 'Versioned conversation snapshots, key conversation_id' },
    { name: t.signals, partitions: p, doc: 'Signals per snapshot, key conversation_id' },
    { name: t.leadScores, partitions: p, compacted: true, doc: 'Latest lead score per conversation (compacted)' },
    { name: t.leadEvents, partitions: p, doc: 'Tier transitions and the actions they call for' },
    { name: t.feedback, partitions: p, doc: 'Human feedback on leads' },
    { name: t.dlq, partitions: 1, retentionMs: 30 * 24 * 3600 * 1000, doc: 'Records that could not be processed, with reason and original bytes' },
  ];
}
