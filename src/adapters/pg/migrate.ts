// Applies migrations/NNN_name.sql in order, once each, recording them in
// leadwire_migrations. Safe to run from several processes at once (an advisory
// lock serialises them) and on every start (applied files are skipped).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { configError } from '../../core/errors.js';

export const DEFAULT_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../migrations');
const FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/;
// Any fixed 64-bit number: the lock only has to be the same for every leadwire process.
const LOCK_ID = 7_163_021_455;

export interface Migration { name: string; sql: string; checksum: string }

export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const bad = files.filter((f) => !FILE.test(f));
  if (bad.length) throw configError(`Migration files must be named NNN_snake_case.sql: ${bad.join(', ')} in ${dir}`);
  const seen = new Map<string, string>();
  for (const f of files) {
    const n = FILE.exec(f)![1]!;
    if (seen.has(n)) throw configError(`Two migrations share number ${n}: ${seen.get(n)} and ${f}`);
    seen.set(n, f);
  }
  return files.sort().map((name) => {
    const sql = readFileSync(join(dir, name), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/**
 * Returns the names applied by this call (empty when everything was already there). With
 * `schema`, the tables go into that schema, created first when missing (checked before creating:
 * CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists).
 */
export async function runMigrations(pool: pg.Pool, opts: { dir?: string; schema?: string } = {}): Promise<string[]> {
  const migrations = readMigrations(opts.dir);
  const client = await pool.connect();
  const applied: string[] = [];
  let searchPath: string | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    if (opts.schema) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [opts.schema]);
      const ident = client.escapeIdentifier(opts.schema);
      if (rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
      // Session-level, put back in `finally` so the pooled client goes back as it came.
      searchPath = (await client.query<{ p: string }>(`SELECT current_setting('search_path') AS p`)).rows[0]!.p;
      await client.query('SELECT set_config($1, $2, false)', ['search_path', ident]);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS leadwire_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM leadwire_migrations');
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const prev = done.get(m.name);
      if (prev !== undefined) {
        // An applied file that changed would leave databases that ran the old text different from new ones.
        if (prev !== m.checksum) throw configError(`Migration ${m.name} changed after it was applied; add a new numbered migration instead`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO leadwire_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
    }
  } finally {
    if (searchPath !== undefined) await client.query('SELECT set_config($1, $2, false)', ['search_path', searchPath]).catch(() => undefined);
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    client.release();
  }
  return applied;
}
