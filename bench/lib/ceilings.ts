// What any kafkajs stage could reach on this machine, measured beside the raw
// consumer in the same run. The ratio targets compare a stage with a consumer
// that only counts; these say how much of the gap is the least a stage must do
// (parse each envelope, write one record per input) rather than leadwire.
import type { Kafka } from 'kafkajs';
import { createTopics, rawConsumerRate, uniqueId } from './common.js';

export interface Ceiling { name: string; msgsPerSec: number; ms: number }

export interface Ceilings { parse: Ceiling; passThrough: Ceiling; passThroughEos: Ceiling }

/** Consumes `topic` three more times: parsing each value, and copying each record to a topic, plain and in transactions. */
export async function measureCeilings(kafka: Kafka, topic: string, expected: number, app: string): Promise<Ceilings> {
  let parsed = 0;
  const parse = await rawConsumerRate(kafka, topic, expected, undefined, (messages) => {
    for (const m of messages) if (m.value) parsed += JSON.parse(m.value.toString('utf8')) ? 1 : 0;
  });
  if (parsed === 0) throw new Error(`ceilings: nothing parsed on ${topic}`);

  const out = `${app}.ceiling-out`;
  await createTopics(kafka, [{ name: out, partitions: 6 }]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let passThrough: Ceiling;
  try {
    const r = await rawConsumerRate(kafka, topic, expected, undefined, async (messages) => {
      await producer.send({ topic: out, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
    });
    passThrough = { name: 'consume + copy each record (kafkajs producer)', msgsPerSec: r.msgsPerSec, ms: r.ms };
  } finally {
    await producer.disconnect();
  }

  const tx = kafka.producer({ transactionalId: uniqueId(`${app}-ceiling-tx`), idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  let passThroughEos: Ceiling;
  try {
    const r = await rawConsumerRate(kafka, topic, expected, undefined, async (messages) => {
      const t = await tx.transaction();
      try {
        await t.send({ topic: out, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
        await t.commit();
      } catch (err) {
        await t.abort().catch(() => {});
        throw err;
      }
    });
    passThroughEos = { name: 'consume + copy each record, one transaction per fetch', msgsPerSec: r.msgsPerSec, ms: r.ms };
  } finally {
    await tx.disconnect();
  }
  return {
    parse: { name: 'consume + JSON.parse each value', msgsPerSec: parse.msgsPerSec, ms: parse.ms },
    passThrough,
    passThroughEos,
  };
}
