// The real stack end to end: a row written to wire_messages comes out of Kafka as Debezium events,
// shaped as the connector config in debezium/ promises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import pg from 'pg';
import { stackEnv } from '../helpers/stack-env.js';

const env = stackEnv();
const topic = `${env.topicPrefix}.public.wire_messages`;
const connectorName = process.env.DEBEZIUM_CONNECTOR_NAME ?? 'leadwire-wire-messages';

interface Received {
  key: { id: number } | null;
  value: Record<string, any> | null;
}

describe('local stack: PostgreSQL → Debezium → Kafka', () => {
  const kafka = new Kafka({ clientId: 'leadwire-stack-test', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const db = new pg.Client({ connectionString: env.databaseUrl });
  let consumer: Consumer;
  const received: Received[] = [];

  beforeAll(async () => {
    await db.connect();
    // Read from the end: a fresh group whose committed offsets are the current high watermarks, so
    // events written before this test (other tests, earlier runs) are never read.
    const groupId = `stack-test-${process.pid}-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    await admin.disconnect();
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let joined!: () => void;
    const ready = new Promise<void>((r) => (joined = r));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        received.push({
          key: message.key ? JSON.parse(message.key.toString()) : null,
          value: message.value ? JSON.parse(message.value.toString()) : null,
        });
      },
    });
    await ready;
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await db.end();
  });

  it('has the Debezium connector and its task RUNNING', async () => {
    const res = await fetch(`${env.connectUrl}/connectors/${connectorName}/status`);
    expect(res.status).toBe(200);
    const status = (await res.json()) as { connector: { state: string }; tasks: { state: string }[] };
    expect(status.connector.state).toBe('RUNNING');
    expect(status.tasks.map((t) => t.state)).toEqual(['RUNNING']);
  });

  it('streams insert, update and delete of a wire_messages row as c, u, d and a tombstone', async () => {
    const conv = await db.query(
      "insert into wire_conversations (type, created_at, updated_at) values ('private', now(), now()) returning id",
    );
    const conversationId = Number(conv.rows[0].id);
    const ins = await db.query(
      `insert into wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at)
       values ($1, 42, 'App\\Models\\Customer', 'Quisiera una cotización de 500 unidades', 'text', '2024-05-01 10:00:00', '2024-05-01 10:00:00')
       returning id`,
      [conversationId],
    );
    const id = Number(ins.rows[0].id);
    await db.query("update wire_messages set body = 'Quisiera una cotización de 600 unidades', updated_at = '2024-05-01 10:01:00' where id = $1", [id]);
    await db.query('delete from wire_messages where id = $1', [id]);

    const mine = () => received.filter((r) => r.key?.id === id);
    const deadline = Date.now() + 60_000;
    while (mine().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const events = mine();

    expect(events.map((e) => e.value?.op ?? 'tombstone')).toEqual(['c', 'u', 'd', 'tombstone']);
    const [created, updated, deleted] = events.map((e) => e.value!) as [Record<string, any>, Record<string, any>, Record<string, any>];
    expect(created.after).toMatchObject({
      id,
      conversation_id: conversationId,
      sendable_id: 42,
      sendable_type: 'App\\Models\\Customer',
      body: 'Quisiera una cotización de 500 unidades',
      type: 'text',
      deleted_at: null,
      // time.precision.mode=connect: timestamps are epoch milliseconds.
      created_at: Date.UTC(2024, 4, 1, 10, 0, 0),
    });
    expect(created.source).toMatchObject({ connector: 'postgresql', db: 'wirechat', schema: 'public', table: 'wire_messages' });
    expect(updated.after.body).toBe('Quisiera una cotización de 600 unidades');
    expect(updated.after.updated_at).toBe(Date.UTC(2024, 4, 1, 10, 1, 0));
    // WireChat's table keeps REPLICA IDENTITY DEFAULT: no before-image on update, only the key on delete.
    expect(updated.before).toBeNull();
    expect(deleted.before.id).toBe(id);
    expect(deleted.before.body).toBeNull();
    expect(deleted.after).toBeNull();
  });
});
