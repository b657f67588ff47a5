import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LeadwireError } from '../../core/errors.js';

export interface ConnectorDefinition { name: string; config: Record<string, string> }

export const CONNECTOR_TEMPLATE = fileURLToPath(new URL('../../../debezium/wire-messages-connector.json', import.meta.url));

/**
 * Fills debezium/wire-messages-connector.json from DATABASE_URL and the topic
 * prefix. The password travels to Kafka Connect inside the config; on shared
 * Connect clusters use a config provider (e.g. ${file:...}) instead by setting
 * DEBEZIUM_DATABASE_PASSWORD to that reference.
 */
export function connectorFromEnv(env: NodeJS.ProcessEnv, template = CONNECTOR_TEMPLATE): ConnectorDefinition {
  if (!env.DATABASE_URL) throw new LeadwireError('DATABASE_URL is not set: the connector needs to know where PostgreSQL is', { kind: 'config' });
  const u = new URL(env.DATABASE_URL);
  const vars: Record<string, string> = {
    DATABASE_HOST: env.DEBEZIUM_DATABASE_HOST ?? u.hostname,
    DATABASE_PORT: u.port || '5432',
    DATABASE_USER: decodeURIComponent(u.username || 'postgres'),
    DATABASE_PASSWORD: env.DEBEZIUM_DATABASE_PASSWORD ?? decodeURIComponent(u.password),
    DATABASE_NAME: u.pathname.replace(/^\//, '') || 'postgres',
    DEBEZIUM_TOPIC_PREFIX: env.DEBEZIUM_TOPIC_PREFIX ?? 'wirechat',
  };
  const text = readFileSync(template, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (m, name: string) => {
    if (!(name in vars)) throw new LeadwireError(`connector template has an unknown placeholder ${m}`, { kind: 'config' });
    return vars[name]!.replace(/["\\]/g, (c) => `\\${c}`);
  });
  return JSON.parse(text) as ConnectorDefinition;
}

export interface ConnectorStatus { name: string; connector: { state: string; worker_id?: string }; tasks: Array<{ id: number; state: string; trace?: string }> }

/** The Kafka Connect REST calls leadwire needs, as a plain object over fetch. */
export function createConnectClient(baseUrl: string, fetchImpl: typeof fetch = fetch) {
  const base = baseUrl.replace(/\/$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new LeadwireError(`Kafka Connect at ${base} is not reachable (${(err as Error).message}); is CONNECT_URL right and Connect running?`, { kind: 'unavailable', cause: err });
    }
    const text = await res.text();
    let json: unknown = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    if (res.status >= 500) throw new LeadwireError(`Kafka Connect ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`, { kind: 'upstream', retriable: true });
    return { status: res.status, json };
  }
  return {
    /** Creates or updates (PUT …/config is idempotent). */
    async register(def: ConnectorDefinition): Promise<'created' | 'updated'> {
      const r = await call('PUT', `/connectors/${encodeURIComponent(def.name)}/config`, def.config);
      if (r.status === 201) return 'created';
      if (r.status === 200) return 'updated';
      throw new LeadwireError(`Kafka Connect refused the connector config (${r.status}): ${JSON.stringify(r.json).slice(0, 500)}`, { kind: 'validation' });
    },
    async status(name: string): Promise<ConnectorStatus | undefined> {
      const r = await call('GET', `/connectors/${encodeURIComponent(name)}/status`);
      if (r.status === 404) return undefined;
      return r.json as ConnectorStatus;
    },
    async restart(name: string): Promise<void> {
      const r = await call('POST', `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=false`);
      if (r.status === 404) throw new LeadwireError(`no connector named ${name}; register it first (leadwire connector register)`, { kind: 'validation' });
    },
  };
}
