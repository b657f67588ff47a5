// docker-compose.yml cannot run here (no Docker), so its agreement with the local stack and the
// connector config is checked statically — and its registrar's placeholder filling is executed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { stackSettings, repoRoot } from '../../../src/stack/settings.js';
import { connectorDefinition, connectorTemplatePath, type ConnectorTarget } from '../../../src/stack/connect.js';
import { templatePlaceholders } from '../../../src/stack/template.js';
import { stackTopics } from '../../../src/stack/stack.js';

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = YAML.parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const stack = stackSettings({});
const pom = readFileSync(join(repoRoot, 'stack', 'pom.xml'), 'utf8');
const pomProp = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)![1]!;

/** Compose interpolation of a script: `$$` is a literal `$`. */
const unescape = (script: string) => script.replace(/\$\$/g, '$');

function hostPort(service: Service, containerPort: number): number {
  const mapping = (service.ports ?? []).find((p) => p.endsWith(`:${containerPort}`));
  expect(mapping, `a host port for container port ${containerPort}`).toBeDefined();
  return Number(mapping!.split(':')[0]);
}

function scriptOf(service: Service): string {
  const cmd = service.command;
  return Array.isArray(cmd) ? cmd.join('\n') : String(cmd);
}

describe('docker-compose.yml', () => {
  it('has the whole topology', () => {
    for (const name of ['postgres', 'kafka', 'kafka-init', 'connect', 'connect-register', 'schema-registry', 'qdrant', 'leadwire']) {
      expect(services[name], name).toBeDefined();
    }
  });

  it('publishes the local stack ports, so `stack env` fits both', () => {
    expect(hostPort(services.postgres!, 5432)).toBe(stack.pgPort);
    expect(hostPort(services.kafka!, stack.kafkaPort)).toBe(stack.kafkaPort);
    expect(String(services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS)).toContain(`EXTERNAL://127.0.0.1:${stack.kafkaPort}`);
    expect(hostPort(services.connect!, 8083)).toBe(stack.connectPort);
  });

  it('runs PostgreSQL with logical WAL, the WireChat tables and the stack database', () => {
    const pg = services.postgres!;
    expect(scriptOf(pg)).toContain('wal_level=logical');
    expect(pg.environment!.POSTGRES_DB).toBe(stack.database);
    const sql = pg.volumes!.find((v) => v.includes('docker-entrypoint-initdb.d'))!;
    expect(existsSync(join(repoRoot, sql.split(':')[0]!))).toBe(true);
    expect(sql.startsWith('./stack/sql/wirechat.sql:')).toBe(true);
  });

  it('uses the Kafka and Debezium versions of stack/pom.xml', () => {
    expect(services.kafka!.image).toBe(`apache/kafka:${pomProp('kafka.version')}`);
    expect(services['kafka-init']!.image).toBe(services.kafka!.image);
    expect(services.connect!.image).toBe(`quay.io/debezium/connect:${pomProp('debezium.version')}`);
  });

  it('points Connect at the internal Kafka listener with plain JSON converters', () => {
    const env = services.connect!.environment!;
    expect(String(services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS)).toContain(`INTERNAL://${env.BOOTSTRAP_SERVERS}`);
    expect(env.KEY_CONVERTER).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(env.VALUE_CONVERTER).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(env.CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE).toBe('false');
  });

  it('pre-creates the Debezium topics with the partitions the local stack gives them', () => {
    const script = unescape(scriptOf(services['kafka-init']!));
    const created = new Map([...script.matchAll(/^\s*create (\S+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    const expected = stackTopics(stack, {}).specs.filter((t) => t.name.startsWith(`${stack.topicPrefix}.public.`));
    expect(expected.map((t) => t.name)).toContain(`${stack.topicPrefix}.public.wire_messages`);
    for (const t of expected) expect(created.get(t.name), t.name).toBe(t.partitions);
    expect(services['connect-register']!.depends_on!['kafka-init']!.condition).toBe('service_completed_successfully');
  });

  it('registers the connector JSON from debezium/ with every placeholder bound to a compose service', () => {
    const reg = services['connect-register']!;
    expect(reg.volumes).toContain('./debezium:/debezium:ro');
    const env = reg.environment as unknown as ConnectorTarget;
    const placeholders = templatePlaceholders(readFileSync(connectorTemplatePath(repoRoot), 'utf8'));
    for (const p of placeholders) expect(Object.keys(env), p).toContain(p);

    const def = connectorDefinition(repoRoot, env);
    expect(def.name).toBe(stack.connectorName);
    expect(services[def.config['database.hostname']!], 'database.hostname is a service').toBe(services.postgres);
    expect(Number(def.config['database.port'])).toBe(5432);
    expect(def.config['database.dbname']).toBe(services.postgres!.environment!.POSTGRES_DB);
    expect(def.config['topic.prefix']).toBe(stack.topicPrefix);
    expect(def.config['slot.name']).toBe(stack.slotName);
    expect(String(services.connect!.environment!.GROUP_ID)).toBe('leadwire-connect');
  });

  it('fills the placeholders in its registrar script exactly as the local stack does', () => {
    const reg = services['connect-register']!;
    const script = unescape(scriptOf(reg));
    // Run the script up to the HTTP call, against the repo's debezium/ folder, and print the body.
    const head = script.slice(0, script.indexOf('name=')).replaceAll('/debezium/', `${join(repoRoot, 'debezium')}/`);
    const env = Object.fromEntries(Object.entries(reg.environment!).map(([k, v]) => [k, String(v)]));
    const out = execFileSync('sh', ['-c', `${head}\nprintf '%s' "$body"`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(connectorDefinition(repoRoot, env as unknown as ConnectorTarget));
  });
});
