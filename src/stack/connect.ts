import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from './settings.js';
import type { StackJars } from './jars.js';
import { connectLog, jvmArgs, renderConfig } from './kafka.js';
import { isAlive, readPid, spawnDetached, waitFor } from './processes.js';
import { renderTemplate } from './template.js';

export const connectorTemplatePath = (repoRoot: string) => join(repoRoot, 'debezium', 'wire-messages-connector.json');

export interface ConnectorDefinition {
  name: string;
  config: Record<string, string>;
}

/** Where the connector finds PostgreSQL, as the placeholders of debezium/wire-messages-connector.json. */
export interface ConnectorTarget {
  DATABASE_HOST: string;
  DATABASE_PORT: string | number;
  DATABASE_USER: string;
  DATABASE_PASSWORD: string;
  DATABASE_NAME: string;
  DEBEZIUM_TOPIC_PREFIX: string;
}

/** The connector definition from debezium/, with the placeholders filled. */
export function connectorDefinition(repoRoot: string, target: ConnectorTarget): ConnectorDefinition {
  const text = readFileSync(connectorTemplatePath(repoRoot), 'utf8');
  return JSON.parse(renderTemplate(text, { ...target })) as ConnectorDefinition;
}

export function stackConnectorDefinition(s: StackSettings): ConnectorDefinition {
  return connectorDefinition(s.repoRoot, {
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: s.pgPort,
    DATABASE_USER: 'postgres',
    DATABASE_PASSWORD: '',
    DATABASE_NAME: s.database,
    DEBEZIUM_TOPIC_PREFIX: s.topicPrefix,
  });
}

export function connectRunning(s: StackSettings): boolean {
  return isAlive(readPid(s.dir, 'connect'));
}

export function startConnect(s: StackSettings, jars: StackJars): void {
  const props = renderConfig(s, 'connect-distributed.properties', {
    KAFKA_PORT: s.kafkaPort,
    CONNECT_PORT: s.connectPort,
    CONNECT_PLUGIN_PATH: jars.plugins,
  });
  spawnDetached(s.dir, {
    name: 'connect',
    command: 'java',
    args: [...jvmArgs(s, jars, 'connect'), 'org.apache.kafka.connect.cli.ConnectDistributed', props],
    cwd: s.dir,
    logFile: connectLog(s),
  });
}

const connectUrl = (s: StackSettings) => `http://127.0.0.1:${s.connectPort}`;

async function rest(s: StackSettings, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${connectUrl(s)}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
}

/** Connect answers REST requests only once it joined its group and read its config topic. */
export async function connectAnswers(s: StackSettings): Promise<boolean> {
  const res = await rest(s, '/connectors');
  return res.ok;
}

export async function waitConnect(s: StackSettings, timeoutMs = 120_000): Promise<void> {
  await waitFor(() => connectAnswers(s), {
    timeoutMs,
    intervalMs: 500,
    what: `Kafka Connect REST on ${connectUrl(s)}`,
    abortIf: () => (connectRunning(s) ? undefined : 'the Kafka Connect worker exited during startup'),
  });
}

/** PUT /connectors/<name>/config creates or updates: registering twice is harmless. */
export async function registerConnector(s: StackSettings, def: ConnectorDefinition): Promise<void> {
  // A worker that has just started may still be rebalancing and answer 409; retry until it settles.
  await waitFor(async () => {
    const res = await rest(s, `/connectors/${encodeURIComponent(def.name)}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(def.config),
    });
    if (res.ok) return true;
    const body = await res.text();
    if (res.status === 409) throw new Error(`Connect is rebalancing (409): ${body}`);
    throw new Error(`registering ${def.name} failed: HTTP ${res.status}: ${body}`);
  }, { timeoutMs: 60_000, intervalMs: 500, what: `connector ${def.name} to register` });
}

/** Restarts a connector whose connector or tasks FAILED (e.g. PostgreSQL was restarted under it). */
export async function restartIfFailed(s: StackSettings, name: string): Promise<boolean> {
  const st = await connectorStatus(s, name);
  if (!st || (st.connector !== 'FAILED' && !st.tasks.some((t) => t.state === 'FAILED'))) return false;
  const res = await rest(s, `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`, { method: 'POST' });
  if (!res.ok) throw new Error(`restarting ${name} failed: HTTP ${res.status}: ${await res.text()}`);
  // The restart is asynchronous: wait until the FAILED states are gone before judging again.
  await waitFor(async () => {
    const now = await connectorStatus(s, name);
    return now !== undefined && now.connector !== 'FAILED' && !now.tasks.some((t) => t.state === 'FAILED');
  }, { timeoutMs: 15_000, what: `${name} to leave FAILED` });
  return true;
}

export interface ConnectorStatus {
  connector: string;
  tasks: { id: number; state: string; trace?: string }[];
}

export async function connectorStatus(s: StackSettings, name: string): Promise<ConnectorStatus | undefined> {
  const res = await rest(s, `/connectors/${encodeURIComponent(name)}/status`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`connector status: HTTP ${res.status}`);
  const body = (await res.json()) as { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };
  return { connector: body.connector.state, tasks: body.tasks };
}

export function isRunning(st: ConnectorStatus | undefined): boolean {
  return st !== undefined && st.connector === 'RUNNING' && st.tasks.length > 0 && st.tasks.every((t) => t.state === 'RUNNING');
}

export async function waitConnectorRunning(s: StackSettings, name: string, timeoutMs = 90_000): Promise<void> {
  let failed: string | undefined;
  await waitFor(async () => {
    const st = await connectorStatus(s, name);
    const broken = st?.tasks.find((t) => t.state === 'FAILED');
    if (st?.connector === 'FAILED' || broken) failed = broken?.trace?.split('\n').slice(0, 6).join('\n') ?? 'connector FAILED';
    return isRunning(st);
  }, {
    timeoutMs,
    intervalMs: 500,
    what: `connector ${name} and its task to be RUNNING`,
    abortIf: () => (failed ? `connector ${name} failed:\n${failed}` : undefined),
  });
}
