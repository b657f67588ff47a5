import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { configSchema, type Config } from './schema.js';
import { envVars } from './env.js';
import { defaultStateDir } from './state-dir.js';
import { configError } from '../core/errors.js';

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/**
 * Parses the configuration once: an optional YAML/JSON file (LEADWIRE_CONFIG or
 * `file`), then environment variables on top. Fails with every problem listed
 * and the variable to change.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, file?: string): Config {
  const raw: Record<string, unknown> = {};
  const path = file ?? env.LEADWIRE_CONFIG;
  if (path) {
    try {
      Object.assign(raw, YAML.parse(readFileSync(path, 'utf8')) ?? {});
    } catch (err) {
      throw configError(`cannot read config file ${path}: ${(err as Error).message}`);
    }
  }
  for (const v of envVars) {
    const value = env[v.env];
    if (value !== undefined && value !== '') setPath(raw, v.path, value);
  }
  // The default state dir follows the environment this config is read from, not the process's.
  if (raw.stateDir === undefined) raw.stateDir = defaultStateDir(env);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const byPath = new Map(envVars.map((v) => [v.path, v.env]));
    const lines = parsed.error.issues.map((i) => {
      const p = i.path.join('.');
      const name = byPath.get(p);
      return `  - ${p}${name ? ` (${name})` : ''}: ${i.message}`;
    });
    throw configError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
