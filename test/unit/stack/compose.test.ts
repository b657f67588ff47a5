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
import { QDRANT_PACKAGE, QDRANT_VERSION } from '../../../src/stack/qdrant.js';

interface Service {
  image?: string;
  profiles?: string[];
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
    for (const name of ['postgres', 'kafka', 'kafka-init', 'connect', 'connect-register', 'schema-registry', 'qdrant', 'leadwire', 'leadwire-workers', 'prometheus', 'grafana']) {
      expect(services[name], name).toBeDefined();
    }
  });

  it('publishes the local stack ports, so `stack env` fits both', () => {
    expect(hostPort(services.postgres!, 5432)).toBe(stack.pgPort);
    expect(hostPort(services.kafka!, stack.kafkaPort)).toBe(stack.kafkaPort);
    expect(String(services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS)).toContain(`EXTERNAL://127.0.0.1:${stack.kafkaPort}`);
    expect(hostPort(services.connect!, 8083)).toBe(stack.connectPort);
    expect(hostPort(services.qdrant!, 6333)).toBe(stack.qdrantPort);
  });

  it('runs the official Qdrant image of the version the local stack pins', () => {
    const pinned = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).optionalDependencies[QDRANT_PACKAGE];
    expect(pinned).toBe(QDRANT_VERSION);
    expect(services.qdrant!.image).toBe(`qdrant/qdrant:v${QDRANT_VERSION}`);
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

describe('docker-compose.yml operator\'s kit (Prometheus + Grafana)', () => {
  const mount = (service: Service, target: string) => {
    const v = (service.volumes ?? []).find((x) => x.split(':')[1] === target);
    expect(v, `${target} mounted`).toBeDefined();
    const src = v!.split(':')[0]!;
    expect(existsSync(join(repoRoot, src)), `${src} exists`).toBe(true);
    return join(repoRoot, src);
  };
  const prom = services.prometheus!;
  const grafana = services.grafana!;
  const promConfig = YAML.parse(readFileSync(mount(prom, '/etc/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const dashboard = JSON.parse(readFileSync(join(mount(grafana, '/var/lib/grafana/dashboards'), 'leadwire.json'), 'utf8')) as {
    uid: string; panels: Array<{ type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string }> }>;
  };

  it('starts both with the ops profile', () => {
    expect(prom.profiles).toEqual(['ops']);
    expect(grafana.profiles).toEqual(['ops']);
    expect(hostPort(prom, 9090)).toBe(9090);
    expect(hostPort(grafana, 3000)).toBe(3000);
  });

  it('scrapes the leadwire service where it serves /metrics', () => {
    const app = services.leadwire!;
    const port = Number(app.environment!.HTTP_PORT);
    expect(app.environment!.HTTP_HOST).toBe('0.0.0.0');
    expect(hostPort(app, port)).toBe(port);
    const job = promConfig.scrape_configs.find((j) => j.job_name === 'leadwire')!;
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs.flatMap((c) => c.targets)).toContain(`leadwire:${port}`);
    // The Kafka workers serve /metrics on METRICS_PORT, scraped too.
    const workers = services['leadwire-workers']!;
    expect([workers.command!].flat().join(' ')).toContain('run --stage all');
    expect(job.static_configs.flatMap((c) => c.targets)).toContain(`leadwire-workers:${workers.environment!.METRICS_PORT}`);
  });

  it('provisions the Prometheus datasource the dashboard panels use', () => {
    const dir = mount(grafana, '/etc/grafana/provisioning');
    const ds = YAML.parse(readFileSync(join(dir, 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; type: string; url: string }> };
    const p = ds.datasources.find((d) => d.type === 'prometheus')!;
    expect(p.url).toBe('http://prometheus:9090');
    const providers = YAML.parse(readFileSync(join(dir, 'dashboards', 'leadwire.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
    expect(providers.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
    for (const panel of dashboard.panels.filter((x) => x.type !== 'row')) expect(panel.datasource?.uid, panel.title).toBe(p.uid);
  });

  it('the dashboard queries only metrics leadwire registers, and covers what operators watch', async () => {
    // Every module that defines metrics registers them on import.
    await import('../../../src/core/metrics.js');
    await import('../../../src/topology/domain-metrics.js');
    await import('../../../src/http/http-metrics.js');
    const { registry } = await import('../../../src/core/metrics.js');
    const known = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(leadwire_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''))));
    for (const name of used) expect(known.has(name), `${name} is registered`).toBe(true);
    for (const needed of ['leadwire_consumer_lag', 'leadwire_store_entries', 'leadwire_leads', 'leadwire_llm_tokens_total', 'leadwire_llm_cost_usd_total', 'leadwire_llm_cache_total', 'leadwire_dlq_total']) {
      expect(used.has(needed), needed).toBe(true);
    }
  });
});
