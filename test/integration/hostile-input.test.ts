// Hostile input on the real stack: ≥10k broken, oversized and adversarial
// records straight onto the source topic. Every record is accounted for (an
// output, a dead letter with its reason, or a counted filter) and nothing crashes.
import { afterAll, describe, expect, it } from 'vitest';
import { env, groupLag, kafka, reader, uniqueId, waitFor } from '../helpers/kafka-kit.js';
import { generateHostile } from '../helpers/hostile.js';
import { loadConfig } from '../../src/config/load.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { startKafkaRuntime, type KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import { registry } from '../../src/core/metrics.js';

async function filteredCount(): Promise<number> {
  const m = await registry.getSingleMetric('leadwire_filtered_total')!.get();
  return m.values.filter((v) => v.labels.stage === 'normalize').reduce((a, v) => a + v.value, 0);
}

describe('hostile input', () => {
  let rt: KafkaRuntime | undefined;
  afterAll(async () => { await rt?.stop(); });

  it('accounts for every one of 10k hostile records and keeps every stage running', async () => {
    const app = uniqueId('hostile');
    const vars = {
      KAFKA_BROKERS: env.kafkaBrokers.join(','), LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: '3', LEADWIRE_INSTANCE_ID: 'h0',
      LEADWIRE_SOURCE_TOPIC: `${app}.source`, LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`,
      LEADWIRE_TOPIC_SIGNALS: `${app}.signals`, LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`,
      LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`, WINDOW_WALL_CLOCK_CLOSE: 'false',
    };
    const config = loadConfig(vars);
    const records = generateHostile({ count: 10_000, seed: 11, startMs: Date.UTC(2026, 3, 1), firstId: 50_000_000n, conversationBase: 4_000_000n });
    const filteredBefore = await filteredCount();
    rt = await startKafkaRuntime(buildTopology(config), { cfg: config.kafka, clock: { now: () => Date.now() }, logger: silentLogger, stages: [STAGE.normalize, STAGE.window, STAGE.extract] });
    await rt.ready;
    const out = await reader([config.topics.messages, config.topics.dlq, config.topics.signals]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    // Bounded requests: a record batch must fit the topic's max.message.bytes.
    let batch: typeof records = [];
    let bytes = 0;
    const flush = async () => { if (batch.length) await producer.send({ topic: `${app}.source`, messages: batch.map((r) => ({ key: r.key, value: r.value })) }); batch = []; bytes = 0; };
    for (const r of records) {
      const size = r.value?.length ?? 0;
      if (bytes + size > 3 * 1024 * 1024) await flush();
      batch.push(r);
      bytes += size;
    }
    await flush();
    await producer.disconnect();

    const expected = { output: records.filter((r) => r.fate === 'output').length, dlq: records.filter((r) => r.fate === 'dlq').length, filtered: records.filter((r) => r.fate === 'filtered').length };
    await waitFor(async () => (await groupLag(`${app}-normalize`, `${app}.source`)) === 0, 180_000, 'normalize to consume everything');
    await out.waitFor(() => out.of(config.topics.messages).length + out.of(config.topics.dlq).filter((d) => JSON.parse(d.value!).stage === 'normalize').length >= expected.output + expected.dlq, 60_000, 'outputs and dead letters');

    const messages = out.of(config.topics.messages).map((r) => JSON.parse(r.value!));
    const dlq = out.of(config.topics.dlq).map((r) => JSON.parse(r.value!));
    const normalizeDlq = dlq.filter((d) => d.stage === 'normalize');
    const filtered = (await filteredCount()) - filteredBefore;

    expect(messages.length + normalizeDlq.length + filtered).toBe(records.length);
    expect(messages.length).toBe(expected.output);
    expect(normalizeDlq.length).toBe(expected.dlq);
    expect(filtered).toBe(expected.filtered);
    // Each output is the message it should be; each dead letter says why and points at its input.
    const outIds = new Set(messages.map((m) => m.id));
    for (const r of records) if (r.fate === 'output') expect(outIds.has(r.messageId!), `${r.kind} ${r.messageId}`).toBe(true);
    for (const d of normalizeDlq) {
      expect(d.reason).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(d.origin.topic).toBe(`${app}.source`);
    }
    const byKind = new Map<string, string[]>();
    for (const d of normalizeDlq) byKind.set(d.reason, [...(byKind.get(d.reason) ?? []), d.origin.offset]);
    expect([...byKind.keys()].sort()).toEqual(expect.arrayContaining(['invalid_json', 'invalid_utf8']));
    // Adversarial text came out as data: markup stripped, bodies bounded.
    for (const m of messages) {
      expect(m.body ?? '').not.toMatch(/<script|onerror=|javascript:/i);
      expect((m.body ?? '').length).toBeLessThanOrEqual(config.normalize.maxBodyChars);
    }
    // Downstream kept going: signals came out and every stage is still running.
    await out.waitFor(() => out.of(config.topics.signals).length > 0, 60_000, 'signals');
    expect(rt.runners.length).toBe(3);
    await out.close();
  }, 300_000);
});
