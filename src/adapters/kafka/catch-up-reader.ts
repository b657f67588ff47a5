// Reads topics from the beginning in a fresh consumer group that never commits
// (a cache rebuilt on every start), and knows when every partition has been
// read up to where it ended when the reader started.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

export interface CatchUpReader {
  start(): Promise<void>;
  /** started: the consumer runs; partitionsLeft: partitions not yet read to their starting end; failure: why the consumer stopped. */
  progress(): { started: boolean; caughtUp: boolean; partitionsLeft: number; failure?: string };
  stop(): Promise<void>;
}

export function createCatchUpReader(kafka: Kafka, opts: {
  topics: string[];
  groupPrefix: string;
  onMessage(topic: string, value: Buffer | null): void;
  onCaughtUp?(): void;
}): CatchUpReader {
  let consumer: Consumer | undefined;
  // topic → partition → offset to reach before the reader has caught up.
  const targets = new Map<string, Map<number, bigint>>();
  let caughtUp = false;
  let failure: string | undefined;

  const checkCaughtUp = () => {
    if (caughtUp) return;
    for (const parts of targets.values()) if (parts.size > 0) return;
    caughtUp = true;
    opts.onCaughtUp?.();
  };

  return {
    async start() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (const topic of opts.topics) {
          const offs = await admin.fetchTopicOffsets(topic);
          const m = new Map<number, bigint>();
          for (const o of offs) if (BigInt(o.high) > BigInt(o.low)) m.set(o.partition, BigInt(o.high));
          targets.set(topic, m);
        }
      } finally {
        await admin.disconnect();
      }
      checkCaughtUp();
      consumer = kafka.consumer({ groupId: `${opts.groupPrefix}-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false });
      consumer.on(consumer.events.CRASH, (e) => { failure = `consumer crashed: ${String((e.payload as { error?: Error }).error?.message ?? e.payload)}`; });
      await consumer.connect();
      await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          opts.onMessage(topic, message.value);
          const want = targets.get(topic)?.get(partition);
          if (want !== undefined && BigInt(message.offset) + 1n >= want) {
            targets.get(topic)!.delete(partition);
            checkCaughtUp();
          }
        },
      });
    },
    progress() {
      const partitionsLeft = [...targets.values()].reduce((n, m) => n + m.size, 0);
      return { started: !!consumer, caughtUp, partitionsLeft, ...(failure ? { failure } : {}) };
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}
