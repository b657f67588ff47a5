import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate, templatePlaceholders } from '../../../src/stack/template.js';
import { stackEnvVars, stackSettings, repoRoot } from '../../../src/stack/settings.js';
import { stackConnectorDefinition } from '../../../src/stack/connect.js';
import { kafkaClusterId } from '../../../src/stack/kafka.js';
import { stackTopics } from '../../../src/stack/stack.js';
import { leadwireTopics } from '../../../src/topology/topics.js';
import { loadConfig } from '../../../src/config/load.js';

describe('stack templates', () => {
  it('fills placeholders and refuses a missing one', () => {
    expect(renderTemplate('a=${A} b=${B}', { A: 1, B: '' })).toBe('a=1 b=');
    expect(() => renderTemplate('a=${A} b=${B}', { A: 1 })).toThrow(/B/);
    expect(templatePlaceholders('${X}${Y}${X}')).toEqual(['X', 'Y']);
  });

  it('renders the broker config for one KRaft node with single-replica internal topics', () => {
    const s = stackSettings({});
    const text = renderTemplate(readFileSync(join(repoRoot, 'stack/config/server.properties'), 'utf8'), {
      KAFKA_PORT: s.kafkaPort, KAFKA_CONTROLLER_PORT: s.controllerPort, KAFKA_LOG_DIR: '/x',
    });
    const props = Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe(`1@127.0.0.1:${s.controllerPort}`);
    expect(props['advertised.listeners']).toBe(`PLAINTEXT://127.0.0.1:${s.kafkaPort}`);
    for (const k of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'share.coordinator.state.topic.replication.factor']) {
      expect(props[k], k).toBe('1');
    }
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('makes Kafka cluster ids that StorageTool accepts (22 base64url chars)', () => {
    for (let i = 0; i < 50; i++) expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('stack connector and topics', () => {
  const s = stackSettings({});

  it('registers Debezium with pgoutput, a filtered publication, plain JSON and epoch-ms timestamps', () => {
    const { name, config } = stackConnectorDefinition(s);
    expect(name).toBe('leadwire-wire-messages');
    expect(config).toMatchObject({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'slot.name': 'leadwire_slot',
      'publication.autocreate.mode': 'filtered',
      'database.hostname': '127.0.0.1',
      'database.port': String(s.pgPort),
      'database.dbname': 'wirechat',
      'topic.prefix': 'wirechat',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'tombstones.on.delete': 'true',
      'decimal.handling.mode': 'string',
      'time.precision.mode': 'connect',
    });
    expect(config['table.include.list']!.split(',')).toContain('public.wire_messages');
  });

  it('exports what the tests and leadwire read', () => {
    expect(stackEnvVars(s)).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:39092',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/wirechat',
      CONNECT_URL: 'http://127.0.0.1:38083',
      DEBEZIUM_TOPIC_PREFIX: 'wirechat',
    });
    expect(stackEnvVars(stackSettings({ LEADWIRE_STACK_KAFKA_PORT: '49092' })).KAFKA_BROKERS).toBe('127.0.0.1:49092');
    expect(() => stackSettings({ LEADWIRE_STACK_PG_PORT: 'x' })).toThrow(/LEADWIRE_STACK_PG_PORT/);
  });

  it('creates the source topic and every captured table topic with the configured partitions', () => {
    const { specs, replicationFactor } = stackTopics(s, {});
    const byName = new Map(specs.map((t) => [t.name, t]));
    const source = leadwireTopics(loadConfig({})).find((t) => t.name === 'wirechat.public.wire_messages');
    expect(byName.get('wirechat.public.wire_messages')).toEqual(source);
    expect(byName.get('wirechat.public.wire_participants')?.partitions).toBe(source?.partitions);
    expect(byName.get('wirechat.public.wire_conversations')?.partitions).toBe(source?.partitions);
    expect(byName.get('leadwire.lead-scores.v1')?.compacted).toBe(true);
    expect(replicationFactor).toBe(1);
    // The caller's partition setting is honoured, as leadwire itself would read it.
    expect(stackTopics(s, { KAFKA_PARTITIONS: '3' }).specs.find((t) => t.name === 'leadwire.messages.v1')?.partitions).toBe(3);
  });
});
