// PostgreSQL → Debezium → Kafka → normalize (on the Kafka runtime) → leadwire.messages.v1,
// with a garbage record written straight onto the source topic between good ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { caughtUp, env, kafka, reader, startGroupAtEnd, uniqueId } from '../helpers/kafka-kit.js';
import { loadConfig } from '../../src/config/load.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { startKafkaRuntime, type KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import { sourceTopic } from '../../src/config/schema.js';
import type { NormalizedMessage } from '../../src/records/normalized-message.js';

const app = uniqueId('e2e-norm');
const config = loadConfig({
  KAFKA_BROKERS: env.kafkaBrokers.join(','), DEBEZIUM_TOPIC_PREFIX: env.topicPrefix, LEADWIRE_APP_ID: app,
  LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`, LEADWIRE_TOPIC_SIGNALS: `${app}.signals`,
  LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`, LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
  KAFKA_SESSION_TIMEOUT_MS: '10000', LEADWIRE_INSTANCE_ID: 'test-0',
});
const source = sourceTopic(config.topics);

describe('normalize end to end on the real stack', () => {
  const db = new pg.Client({ connectionString: env.databaseUrl });
  let rt: KafkaRuntime;
  let out: Awaited<ReturnType<typeof reader>>;
  // Above 2^53: must survive Debezium JSON → normalize → JSON exactly.
  const convA = (9007199254740993n + BigInt(Date.now() % 1_000_000) * 2n).toString();
  const convB = (BigInt(convA) + 1n).toString();

  beforeAll(async () => {
    await db.connect();
    await startGroupAtEnd(`${app}-normalize`, source);
    rt = await startKafkaRuntime(buildTopology(config), { cfg: config.kafka, clock: { now: () => Date.now() }, logger: silentLogger, stages: [STAGE.normalize] });
    out = await reader([config.topics.messages, config.topics.dlq]);
    for (const c of [convA, convB]) await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [c]);
  });

  afterAll(async () => {
    await rt?.stop();
    await out?.close();
    await db.end();
  });

  it('turns inserts, edits, soft and hard deletes into ordered messages per conversation, and DLQs garbage without stopping', async () => {
    const ins = async (conv: string, type: string, role: 'customer' | 'agent', body: string, at: string) => {
      const r = await db.query(
        `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::timestamp, $6::timestamp) RETURNING id::text`,
        [conv, role === 'customer' ? 77 : 5, role === 'customer' ? 'App\\Models\\Customer' : 'App\\Models\\User', body, type, at]);
      return r.rows[0].id as string;
    };
    const a1 = await ins(convA, 'text', 'customer', 'Hola, quiero una cotización para 500 unidades. Mi correo es juan.perez@example.com', '2026-11-20 10:00:00');
    const a2 = await ins(convA, 'text', 'agent', 'Con gusto, <b>¿para qué ciudad?</b>', '2026-11-20 10:01:00');
    const a3 = await ins(convA, 'text', 'customer', 'Para Bogotá, llámame al +57 300 123 4567', '2026-11-20 10:02:00');

    // Garbage straight onto the source topic, between good records.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: source, messages: [{ key: '{"id":1}', value: 'this is not a debezium envelope {' }] });
    await producer.disconnect();

    await ins(convB, 'image', 'customer', 'photo.jpg', '2026-11-20 11:00:00'); // filtered by type
    const b2 = await ins(convB, 'text', 'customer', 'I need a quote for 20 machines', '2026-11-20 11:00:05');
    await db.query(`UPDATE wire_messages SET body = 'Hola, quiero una cotización para 600 unidades', updated_at = '2026-11-20 10:05:00' WHERE id = $1`, [a1]);
    await db.query(`UPDATE wire_messages SET deleted_at = '2026-11-20 10:06:00', updated_at = '2026-11-20 10:06:00' WHERE id = $1`, [a2]);
    await db.query(`DELETE FROM wire_messages WHERE id = $1`, [a3]);

    const msgs = () => out.of(config.topics.messages).map((r) => ({ key: r.key, v: JSON.parse(r.value!) as NormalizedMessage, partition: r.partition }));
    await out.waitFor(() => msgs().length >= 7 && out.of(config.topics.dlq).length >= 1, 90_000, '7 messages and 1 dead letter');
    // Nothing more will arrive: normalize has committed the whole source topic (its outputs commit
    // in the same transactions) and the reader has read its outputs to their end offsets.
    await caughtUp(`${app}-normalize`, source, 60_000);
    await out.readToEnd();

    const a = msgs().filter((m) => m.key === convA);
    expect(a.map((m) => [m.v.op, m.v.id])).toEqual([['upsert', a1], ['upsert', a2], ['upsert', a3], ['upsert', a1], ['delete', a2], ['delete', a3]]);
    expect(new Set(a.map((m) => m.partition)).size).toBe(1);
    expect(a[0]!.v.conversationId).toBe(convA);
    expect(a[0]!.v.body).toContain('[email]');
    expect(a[0]!.v.body).not.toContain('juan.perez');
    expect(a[0]!.v.pii.emails).toBe(1);
    expect(a[0]!.v.sender.role).toBe('customer');
    expect(a[0]!.v.language.code).toBe('es');
    expect(a[0]!.v.createdAt).toBe(Date.parse('2026-11-20T10:00:00Z'));
    expect(a[1]!.v.body).toBe('Con gusto, ¿para qué ciudad?');
    expect(a[1]!.v.sender.role).toBe('agent');
    expect(a[2]!.v.body).not.toMatch(/300/);
    expect(a[3]!.v.body).toContain('600 unidades');
    const b = msgs().filter((m) => m.key === convB);
    expect(b.map((m) => m.v.id)).toEqual([b2]);
    expect(b[0]!.v.language.code).toBe('en');

    const dlq = out.of(config.topics.dlq).map((r) => JSON.parse(r.value!));
    expect(dlq).toHaveLength(1);
    expect(dlq[0].reason).toBe('invalid_json');
    expect(dlq[0].origin.topic).toBe(source);
    expect(Buffer.from(dlq[0].original, 'base64').toString()).toBe('this is not a debezium envelope {');
  });
});
