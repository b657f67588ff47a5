// A consumer whose position fell off the log (its lag outlived the topic's
// retention) is reset by kafkajs to the beginning and reads again: leadwire
// counts it, since kafkajs has no event for it and only logs a line.
import { describe, expect, it } from 'vitest';
import { createTopics, env, kafka, uniqueId, waitFor, withAdmin } from '../helpers/kafka-kit.js';
import { createKafka } from '../../src/adapters/kafka/kafka-factory.js';
import { loadConfig } from '../../src/config/load.js';
import { metrics } from '../../src/core/metrics.js';
import { silentLogger } from '../../src/core/logger.js';

describe('offset resets', () => {
  it('counts a partition reset after its committed offset fell below the log start', async () => {
    const topic = uniqueId('reset');
    const groupId = `${topic}-group`;
    await createTopics([topic], 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })) });
    await producer.disconnect();
    await withAdmin(async (a) => {
      await a.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
      // What time retention does to a lagging consumer: the records it has not read are gone.
      await a.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '8' }] });
    });
    const before = (await metrics.offsetResets.get()).values.find((v) => v.labels.group === groupId)?.value ?? 0;

    const client = createKafka(loadConfig({ KAFKA_BROKERS: env.kafkaBrokers.join(',') }).kafka, silentLogger);
    const consumer = client.consumer({ groupId });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()); } });
    try {
      await waitFor(() => seen.length >= 2, 30_000, 'the records after the log start');
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['8', '9']);
    const after = (await metrics.offsetResets.get()).values.find((v) => v.labels.group === groupId && v.labels.topic === topic)?.value ?? 0;
    expect(after - before).toBe(1);
  });
});
