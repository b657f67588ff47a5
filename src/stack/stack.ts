import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { sourceTopic } from '../config/schema.js';
import { leadwireTopics } from '../topology/topics.js';
import type { TopicSpec } from '../stream/stage.js';
import { ensureJars, type StackJars } from './jars.js';
import { ensureMinilm } from './models.js';
import {
  dropSlot, ensureSchema, pgLog, pgRunning, removePostgresData, slotActive, startPostgres, stopPostgres, waitPostgres, withClient, adminUrl,
} from './postgres.js';
import { connectLog, kafkaAnswers, kafkaLog, kafkaRunning, startKafka, waitKafka, withAdmin } from './kafka.js';
import {
  connectAnswers, connectRunning, connectorStatus, isRunning, registerConnector, restartIfFailed, stackConnectorDefinition, startConnect, waitConnect,
  waitConnectorRunning,
} from './connect.js';
import { ensureTopics } from './topics.js';
import { qdrantAnswers, qdrantDataDir, qdrantLog, qdrantRunning, startQdrant, waitQdrant } from './qdrant.js';
import { portOpen, stopGroup, tailFile, waitFor } from './processes.js';
import { resolveSettings, settingsPath, stackEnvVars, stackSettings, type StackSettings } from './settings.js';

export type Say = (line: string) => void;

/** A failure of one component, carrying the log that explains it. */
export class StackError extends Error {
  constructor(message: string, readonly component: string, readonly log: string | undefined) {
    super(message);
    this.name = 'StackError';
  }
}

async function phase<T>(component: string, log: string | undefined, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StackError) throw err;
    throw new StackError(`${component}: ${(err as Error).message}`, component, log);
  }
}

/** The topics `up` creates: leadwire's own (from the config) and the other Debezium tables' topics. */
export function stackTopics(s: StackSettings, env: NodeJS.ProcessEnv = process.env): { specs: TopicSpec[]; replicationFactor: number } {
  const config = loadConfig({ ...env, ...stackEnvVars(s) });
  const specs = leadwireTopics(config);
  const source = specs.find((t) => t.name === sourceTopic(config.topics));
  // Debezium also captures these tables (partitioned like wire_messages); the broker does not auto-create topics.
  for (const table of ['wire_conversations', 'wire_participants']) {
    specs.push({ name: `${s.topicPrefix}.public.${table}`, partitions: source?.partitions ?? config.kafka.partitions, doc: `Debezium change events of ${table}` });
  }
  return { specs, replicationFactor: config.kafka.replicationFactor };
}

async function createTopics(s: StackSettings, env: NodeJS.ProcessEnv, say: Say, t: () => string): Promise<void> {
  const { specs, replicationFactor } = stackTopics(s, env);
  const { created, mismatched } = await withAdmin(s, (admin) => ensureTopics(admin, specs, { partitions: 1, replicationFactor }));
  say(`${t()} topics: ${created.length} created, ${specs.length - created.length} already there`);
  for (const m of mismatched) {
    say(`warning: topic ${m.name} has ${m.actual} partitions, leadwire's topic list says ${m.expected}; ` +
      '`npx leadwire stack down && npx leadwire stack up` recreates the stack\'s topics');
  }
}

export interface ComponentState {
  name: string;
  up: boolean;
  detail: string;
}

export async function stackStatus(s: StackSettings): Promise<ComponentState[]> {
  const safe = async (f: () => Promise<boolean>) => f().catch(() => false);
  const pgUp = pgRunning(s) && (await safe(() => withClient(adminUrl(s), async (c) => (await c.query('select 1')).rowCount === 1)));
  const kafkaUp = kafkaRunning(s) && (await safe(() => kafkaAnswers(s)));
  const connectUp = connectRunning(s) && (await safe(() => connectAnswers(s)));
  const st = connectUp ? await connectorStatus(s, s.connectorName).catch(() => undefined) : undefined;
  const slotUp = pgUp && (await safe(() => slotActive(s)));
  const qdrantUp = qdrantRunning(s) && (await safe(() => qdrantAnswers(s)));
  return [
    { name: 'postgres', up: pgUp, detail: `127.0.0.1:${s.pgPort} (data ${s.pgDataDir})` },
    { name: 'kafka', up: kafkaUp, detail: `127.0.0.1:${s.kafkaPort} (controller ${s.controllerPort})` },
    { name: 'connect', up: connectUp, detail: `http://127.0.0.1:${s.connectPort}` },
    {
      name: 'connector',
      up: isRunning(st),
      detail: st ? `${s.connectorName}: ${st.connector}, tasks ${st.tasks.map((t) => t.state).join(',') || 'none'}` : `${s.connectorName}: not registered`,
    },
    { name: 'slot', up: slotUp, detail: `${s.slotName}: ${slotUp ? 'active' : 'not active'}` },
    { name: 'qdrant', up: qdrantUp, detail: `http://127.0.0.1:${s.qdrantPort} (data ${qdrantDataDir(s)})` },
  ];
}

async function assertPortFree(port: number, component: string): Promise<void> {
  if (await portOpen(port)) {
    throw new StackError(
      `${component}: port ${port} is already used by a process this stack did not start (another checkout's stack? ` +
        'stop it with `npx leadwire stack down` there, or move this one with LEADWIRE_STACK_*_PORT)',
      component,
      undefined,
    );
  }
}

export interface UpResult {
  seconds: number;
  alreadyRunning: boolean;
  jarsFetched: boolean;
  settings: StackSettings;
}

/**
 * Brings the stack up and returns only when it really works: Kafka answers metadata, Connect's REST
 * is up, the connector and its task are RUNNING and the replication slot is active.
 */
export async function stackUp(env: NodeJS.ProcessEnv, say: Say): Promise<UpResult> {
  const started = Date.now();
  const t = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const recorded = resolveSettings(env);
  const anyRunning = pgRunning(recorded) || kafkaRunning(recorded) || connectRunning(recorded) || qdrantRunning(recorded);
  // A running stack keeps the settings it was started with; a stopped one takes the environment's.
  const s = anyRunning ? recorded : stackSettings(env);

  if (anyRunning) {
    const states = await stackStatus(s);
    if (states.every((c) => c.up)) {
      await phase('kafka', kafkaLog(s), () => createTopics(s, env, say, t));
      say(`stack already running (${s.dir}); verified in ${t()}`);
      return { seconds: (Date.now() - started) / 1000, alreadyRunning: true, jarsFetched: false, settings: s };
    }
    say(`stack partly running: ${states.filter((c) => !c.up).map((c) => c.name).join(', ')} down; starting what is missing`);
  }

  mkdirSync(s.dir, { recursive: true });
  writeFileSync(settingsPath(s), JSON.stringify(s, null, 2));

  const jars: StackJars = await phase('maven', undefined, () => ensureJars(s, say));
  say(`${t()} jars ${jars.fetched ? 'fetched' : 'cached'} (${jars.lib})`);
  const model = await phase('maven', undefined, () => ensureMinilm(s, say));
  say(`${t()} embedding model ${model.fetched ? 'fetched' : 'cached'} (${model.path})`);

  // Kafka offsets and the slot's position must describe the same history: a new cluster never
  // meets old Connect offsets.
  const kafkaHasData = existsSync(join(s.dir, 'data', 'kafka', 'meta.properties'));
  const pgHasData = existsSync(join(s.pgDataDir, 'PG_VERSION'));
  if (!pgHasData && kafkaHasData) {
    if (kafkaRunning(s) || connectRunning(s)) {
      throw new StackError('postgres: its data is gone while Kafka still runs; run `npx leadwire stack down` and `up` again', 'postgres', undefined);
    }
    rmSync(join(s.dir, 'data'), { recursive: true, force: true });
  }

  // Qdrant starts in a fraction of a second and depends on nothing: it comes up while the JVMs do.
  if (!qdrantRunning(s)) {
    await assertPortFree(s.qdrantPort, 'qdrant');
    await phase('qdrant', qdrantLog(s), () => startQdrant(s));
  }
  const qdrantReady = phase('qdrant', qdrantLog(s), async () => {
    await waitQdrant(s);
    say(`${t()} qdrant ready on http://127.0.0.1:${s.qdrantPort}`);
  });
  // Awaited below, after the JVMs; a failure meanwhile must not count as unhandled.
  qdrantReady.catch(() => undefined);

  let kafkaFresh = false;
  if (!pgRunning(s)) {
    await assertPortFree(s.pgPort, 'postgres');
    await phase('postgres', pgLog(s), () => startPostgres(s));
  }
  if (!kafkaRunning(s)) {
    await assertPortFree(s.kafkaPort, 'kafka');
    await assertPortFree(s.controllerPort, 'kafka');
    kafkaFresh = (await phase('kafka', kafkaLog(s), () => startKafka(s, jars))).fresh;
  }

  const postgresReady = phase('postgres', pgLog(s), async () => {
    await waitPostgres(s);
    await ensureSchema(s);
    if (kafkaFresh && (await dropSlot(s))) say(`${t()} dropped stale replication slot ${s.slotName} (Kafka data is new)`);
    say(`${t()} postgres ready on 127.0.0.1:${s.pgPort}, database ${s.database}`);
  });
  const kafkaReady = phase('kafka', kafkaLog(s), async () => {
    await waitKafka(s);
    say(`${t()} kafka ready on 127.0.0.1:${s.kafkaPort}`);
  });
  await kafkaReady;
  // A worker that outlived its broker's data holds offsets and configs of a history that is gone.
  if (kafkaFresh && connectRunning(s)) {
    await stopGroup(s.dir, 'connect');
    say(`${t()} restarted connect (Kafka data is new)`);
  }
  if (!connectRunning(s)) {
    await assertPortFree(s.connectPort, 'connect');
    await phase('connect', connectLog(s), () => startConnect(s, jars));
  }
  const topicsReady = phase('kafka', kafkaLog(s), () => createTopics(s, env, say, t));
  await Promise.all([postgresReady, topicsReady, qdrantReady]);

  await phase('connect', connectLog(s), async () => {
    await waitConnect(s);
    say(`${t()} connect ready on http://127.0.0.1:${s.connectPort}`);
    const def = stackConnectorDefinition(s);
    await registerConnector(s, def);
    if (await restartIfFailed(s, def.name)) say(`${t()} connector ${def.name} had FAILED; restarted it`);
    await waitConnectorRunning(s, def.name);
    await waitFor(() => slotActive(s), { timeoutMs: 60_000, what: `replication slot ${s.slotName} to become active` });
    say(`${t()} connector ${def.name} RUNNING, slot ${s.slotName} active`);
  });

  const seconds = (Date.now() - started) / 1000;
  return { seconds, alreadyRunning: false, jarsFetched: jars.fetched, settings: s };
}

/** Stops every process (Connect, Kafka, PostgreSQL, Qdrant) and deletes the stack's data; the jar cache stays. */
export async function stackDown(env: NodeJS.ProcessEnv, say: Say): Promise<void> {
  const s = resolveSettings(env);
  if (await stopGroup(s.dir, 'qdrant')) say('qdrant stopped');
  if (await stopGroup(s.dir, 'connect')) say('connect stopped');
  // The slot goes with the data anyway; dropping it first keeps a kept-alive cluster consistent too.
  if (pgRunning(s)) await dropSlot(s).catch(() => false);
  if (await stopGroup(s.dir, 'kafka')) say('kafka stopped');
  if (pgRunning(s)) {
    await stopPostgres(s);
    say('postgres stopped');
  }
  removePostgresData(s);
  rmSync(s.dir, { recursive: true, force: true });
  say(`removed ${s.dir} and ${s.pgDataDir}`);
}

export function stackEnvLines(env: NodeJS.ProcessEnv): string[] {
  const s = resolveSettings(env);
  return Object.entries(stackEnvVars(s)).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The tails of the stack's logs, for a failure report. */
export function stackLogTails(env: NodeJS.ProcessEnv, lines = 30): string {
  const s = resolveSettings(env);
  return [pgLog(s), kafkaLog(s), connectLog(s), qdrantLog(s)]
    .map((f) => `==> ${f} <==\n${tailFile(f, lines)}`)
    .join('\n\n');
}
