import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minilmPath } from './models.js';
import type { StackSettings } from './stack-settings.js';

/** Everything the local stack needs to know: where it lives and which ports it owns. */
export type { StackSettings };

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return n;
}

/**
 * Reads the stack settings from the environment. `LEADWIRE_STACK_*` variables move the stack
 * (directory, ports) so that two checkouts can run side by side.
 */
export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const dir = resolve(env.LEADWIRE_STACK_DIR || join(repoRoot, '.stack'));
  const dirHash = createHash('sha256').update(dir).digest('hex').slice(0, 10);
  return {
    dir,
    cacheRoot: resolve(env.LEADWIRE_STACK_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'leadwire', 'stack')),
    pgDataDir: join(tmpdir(), `leadwire-pg-${dirHash}`),
    pgBin: env.LEADWIRE_PG_BIN || '/usr/lib/postgresql/15/bin',
    pgPort: port(env, 'LEADWIRE_STACK_PG_PORT', 55432),
    kafkaPort: port(env, 'LEADWIRE_STACK_KAFKA_PORT', 39092),
    controllerPort: port(env, 'LEADWIRE_STACK_CONTROLLER_PORT', 39093),
    connectPort: port(env, 'LEADWIRE_STACK_CONNECT_PORT', 38083),
    qdrantPort: port(env, 'LEADWIRE_STACK_QDRANT_PORT', 6333),
    database: 'wirechat',
    topicPrefix: 'wirechat',
    connectorName: 'leadwire-wire-messages',
    slotName: 'leadwire_slot',
    jvmHeap: env.LEADWIRE_STACK_HEAP || '512m',
    repoRoot,
  };
}

const settingsFile = (dir: string) => join(dir, 'stack.json');

/**
 * The settings a running stack was started with (written by `up`), so that `env`, `status`
 * and `down` find it even when called without the same `LEADWIRE_STACK_*` variables.
 */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const fresh = stackSettings(env);
  const file = settingsFile(fresh.dir);
  if (!existsSync(file)) return fresh;
  return { ...fresh, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSettings>) };
}

export function settingsPath(s: StackSettings): string {
  return settingsFile(s.dir);
}

/** Connection strings for clients of the stack: the single source of `stack env`. */
export function stackEndpoints(s: StackSettings) {
  return {
    kafkaBrokers: `127.0.0.1:${s.kafkaPort}`,
    databaseUrl: `postgres://postgres@127.0.0.1:${s.pgPort}/${s.database}`,
    connectUrl: `http://127.0.0.1:${s.connectPort}`,
    qdrantUrl: `http://127.0.0.1:${s.qdrantPort}`,
    topicPrefix: s.topicPrefix,
  };
}

/** `export NAME=value` lines for `eval "$(leadwire stack env)"`. */
export function stackEnvVars(s: StackSettings): Record<string, string> {
  const e = stackEndpoints(s);
  return {
    KAFKA_BROKERS: e.kafkaBrokers,
    DATABASE_URL: e.databaseUrl,
    CONNECT_URL: e.connectUrl,
    QDRANT_URL: e.qdrantUrl,
    DEBEZIUM_TOPIC_PREFIX: e.topicPrefix,
    DEBEZIUM_CONNECTOR_NAME: s.connectorName,
    DEBEZIUM_SLOT_NAME: s.slotName,
    // The ONNX embedder's model, fetched by `up` (used when EMBEDDER=onnx).
    EMBED_MODEL_PATH: minilmPath(s),
    LEADWIRE_STACK_DIR: s.dir,
  };
}
