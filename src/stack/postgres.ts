import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { StackSettings } from './settings.js';
import { isAlive, logFile, readPid, run, spawnDetached, stopGroup, waitFor } from './processes.js';

// A throwaway PostgreSQL 15 cluster owned by the stack: its own data directory and port, logical
// WAL for Debezium, trust auth on 127.0.0.1. initdb and postgres refuse to run as root, so as root
// they run as the `postgres` user.

const isRoot = () => process.getuid?.() === 0;

function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no `postgres` user on this machine: install the PostgreSQL server package (postgresql-15)');
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

export const pgLog = (s: StackSettings) => logFile(s.dir, 'postgres');

export function pgRunning(s: StackSettings): boolean {
  return isAlive(readPid(s.dir, 'postgres'));
}

export function adminUrl(s: StackSettings, database = 'postgres'): string {
  return `postgres://postgres@127.0.0.1:${s.pgPort}/${database}`;
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Initializes the cluster if needed and starts it; returns whether the cluster is new. */
export function startPostgres(s: StackSettings): { fresh: boolean } {
  const data = s.pgDataDir;
  let fresh = false;
  if (!existsSync(join(data, 'PG_VERSION'))) {
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true, mode: 0o700 });
    if (isRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(data, uid, gid);
    }
    const [cmd, args] = asPostgres(join(s.pgBin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    run(cmd, args, { what: 'initdb' });
    // Test-only durability settings: the cluster is thrown away by `stack down`.
    appendFileSync(join(data, 'postgresql.conf'), [
      '',
      '# leadwire stack',
      `port = ${s.pgPort}`,
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'wal_level = logical',
      'max_replication_slots = 10',
      'max_wal_senders = 10',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'shared_buffers = 64MB',
      "timezone = 'UTC'",
      '',
    ].join('\n'));
    fresh = true;
  }
  const [cmd, args] = asPostgres(join(s.pgBin, 'postgres'), ['-D', data]);
  spawnDetached(s.dir, { name: 'postgres', command: cmd, args, cwd: '/', logFile: pgLog(s) });
  return { fresh };
}

export async function waitPostgres(s: StackSettings, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => withClient(adminUrl(s), async (c) => (await c.query('select 1')).rowCount === 1), {
    timeoutMs,
    what: `PostgreSQL on 127.0.0.1:${s.pgPort}`,
    abortIf: () => (pgRunning(s) ? undefined : 'PostgreSQL exited during startup'),
  });
}

/** Creates the `wirechat` database and the WireChat tables unless they exist. */
export async function ensureSchema(s: StackSettings): Promise<void> {
  await withClient(adminUrl(s), async (c) => {
    const exists = await c.query('select 1 from pg_database where datname = $1', [s.database]);
    if (exists.rowCount === 0) await c.query(`create database "${s.database}"`);
  });
  await withClient(adminUrl(s, s.database), async (c) => {
    const t = await c.query("select to_regclass('public.wire_messages') as t");
    if (t.rows[0].t !== null) return;
    const sql = readFileSync(join(s.repoRoot, 'stack', 'sql', 'wirechat.sql'), 'utf8');
    await c.query('begin');
    try {
      await c.query(sql);
      await c.query('commit');
    } catch (err) {
      await c.query('rollback');
      throw err;
    }
  });
}

/** Drops the connector's slot; a slot whose offsets Kafka no longer has would skip or repeat events. */
export async function dropSlot(s: StackSettings): Promise<boolean> {
  return withClient(adminUrl(s, s.database), async (c) => {
    const r = await c.query('select active_pid from pg_replication_slots where slot_name = $1', [s.slotName]);
    if (r.rowCount === 0) return false;
    const pid = r.rows[0].active_pid as number | null;
    if (pid !== null) await c.query('select pg_terminate_backend($1)', [pid]);
    await waitFor(async () => {
      await c.query('select pg_drop_replication_slot($1)', [s.slotName]);
      return true;
    }, { timeoutMs: 10_000, what: `replication slot ${s.slotName} to be released` });
    return true;
  });
}

export async function slotActive(s: StackSettings): Promise<boolean> {
  return withClient(adminUrl(s, s.database), async (c) => {
    const r = await c.query('select active from pg_replication_slots where slot_name = $1', [s.slotName]);
    return r.rowCount === 1 && r.rows[0].active === true;
  });
}

export async function stopPostgres(s: StackSettings): Promise<void> {
  if (pgRunning(s) && existsSync(join(s.pgDataDir, 'postmaster.pid'))) {
    const [cmd, args] = asPostgres(join(s.pgBin, 'pg_ctl'), ['-D', s.pgDataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    try {
      run(cmd, args, { what: 'pg_ctl stop', timeoutMs: 40_000 });
    } catch { /* the group kill below finishes the job */ }
  }
  await stopGroup(s.dir, 'postgres', 10_000);
}

export function removePostgresData(s: StackSettings): void {
  rmSync(s.pgDataDir, { recursive: true, force: true });
}
