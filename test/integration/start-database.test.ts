// `leadwire start` beside a real WireChat database: a read-only role (SELECT on the WireChat
// tables, nothing else) runs `start --once` with leadwire's tables in a database of their own or
// in a schema the role may use; a missing grant is one line naming it, exit code 2; a second run
// says it resumed and why it read nothing; --tier/--limit filter the table; state goes to
// LEADWIRE_STATE_DIR and nothing to the current folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { env, uniqueId, waitFor } from '../helpers/kafka-kit.js';
import { createDatabase, dropDatabase, seedWirechat, urlFor } from '../helpers/wirechat-db.js';

const BIN = resolve('bin/leadwire.js');

interface Run { code: number; stdout: string; stderr: string }

/** The CLI from an empty folder, with only the given database settings (no Kafka, Qdrant or board). */
function start(args: string[], extra: Record<string, string>, cwd: string): Promise<Run> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'ANALYTICS_DATABASE_URL', 'LEADWIRE_DB_SCHEMA', 'QDRANT_URL', 'LEADWIRE_VECTORS_FILE', 'LEADWIRE_STATE_DIR']) delete base[k];
  return new Promise((done) => {
    execFile(process.execPath, [BIN, 'start', '--once', ...args], {
      cwd, env: { ...base, LOG_LEVEL: 'warn', LEADWIRE_BOARD: 'false', ...extra }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024,
    }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const tableRows = (stdout: string) => stdout.split('\n').filter((l) => /^(qualified|nurturing|unqualified)\s/.test(l));

describe('start with a read-only WireChat role', () => {
  const id = uniqueId('lw').replace(/-/g, '_').toLowerCase();
  const wirechatDb = `${id}_wc`;
  const analyticsDb = `${id}_an`;
  const reader = { name: `${id}_ro`, password: 'ro-secret' };
  const noSelect = { name: `${id}_nosel`, password: 'ns-secret' };
  const cwd = mkdtempSync(join(tmpdir(), 'lw-start-cwd-'));
  const stateDir = join(mkdtempSync(join(tmpdir(), 'lw-start-state-')), 'state');
  let rows = 0;
  let roUrl = '';
  let adminWc: pg.Client;

  beforeAll(async () => {
    await createDatabase(env.databaseUrl, wirechatDb);
    await createDatabase(env.databaseUrl, analyticsDb);
    rows = await seedWirechat(urlFor(env.databaseUrl, wirechatDb));
    adminWc = new pg.Client({ connectionString: urlFor(env.databaseUrl, wirechatDb) });
    await adminWc.connect();
    for (const r of [reader, noSelect]) await adminWc.query(`CREATE ROLE ${r.name} LOGIN PASSWORD '${r.password}'`);
    // What the README asks for: SELECT on the WireChat tables, nothing else (PostgreSQL 15 gives
    // PUBLIC no CREATE on schema public, and no role CREATE on the database by default).
    await adminWc.query(`GRANT SELECT ON wire_messages, wire_conversations, wire_participants TO ${reader.name}`);
    roUrl = urlFor(env.databaseUrl, wirechatDb, reader);
  });

  afterAll(async () => {
    await adminWc.end();
    await dropDatabase(env.databaseUrl, wirechatDb);
    await dropDatabase(env.databaseUrl, analyticsDb);
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    for (const r of [reader, noSelect]) await admin.query(`DROP ROLE IF EXISTS ${r.name}`);
    await admin.end();
  });

  it('without a place for its tables: one line naming the statement to run, exit code 2, no stack trace', async () => {
    const r = await start([], { DATABASE_URL: roUrl, LEADWIRE_STATE_DIR: stateDir }, cwd);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2); // the "reading wire_messages from" line, then the error
    expect(lines[1]).toContain(`CREATE SCHEMA leadwire AUTHORIZATION ${reader.name};`);
    expect(lines[1]).toContain('ANALYTICS_DATABASE_URL');
    expect(lines[1]).not.toContain('ro-secret');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 150_000);

  it('a role that may not read wire_messages: the GRANT to add, exit code 2', async () => {
    const r = await start([], { DATABASE_URL: urlFor(env.databaseUrl, wirechatDb, noSelect), ANALYTICS_DATABASE_URL: urlFor(env.databaseUrl, analyticsDb), LEADWIRE_STATE_DIR: stateDir }, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`GRANT SELECT ON wire_messages TO ${noSelect.name};`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 150_000);

  it('reads with SELECT only, its tables in a separate database; resumes visibly; filters the table; state in LEADWIRE_STATE_DIR', async () => {
    const settings = { DATABASE_URL: roUrl, ANALYTICS_DATABASE_URL: urlFor(env.databaseUrl, analyticsDb), LEADWIRE_STATE_DIR: stateDir };
    const first = await start([], settings, cwd);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    const firstLines = first.stderr.trim().split('\n');
    expect(firstLines[0]).toContain('from the first row');
    expect(firstLines[0]).toContain(`state in ${stateDir}`);
    expect(firstLines[0]).not.toContain('ro-secret');
    expect(first.stderr).toContain(`read ${rows} rows from wire_messages`);
    expect(firstLines.at(-1)).toMatch(/^leadwire: done; \d+ snapshots, \d+ signal records, \d+ lead scores, \d+ lead events, 0 dead letters$/);
    const table = tableRows(first.stdout);
    expect(table.length).toBe(12);
    // Every unqualified row says why: its reasons against, or that it had no buying signal.
    for (const line of table.filter((l) => l.startsWith('unqualified'))) expect(line).toMatch(/−\w|no buying signal/);

    // The tables went to the analytics database, in leadwire's schema; the WireChat database got nothing.
    const an = new pg.Client({ connectionString: urlFor(env.databaseUrl, analyticsDb) });
    await an.connect();
    const leads = await an.query('SELECT count(*)::int AS n FROM leadwire.leads');
    await an.end();
    expect(leads.rows[0].n).toBe(12);
    const wcTables = await adminWc.query(`SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`);
    expect(wcTables.rows.map((x) => x.t)).toEqual(['public.wire_conversations', 'public.wire_messages', 'public.wire_participants']);

    // State: the checkpoint and the vectors in the state directory, nothing in the current folder.
    expect(existsSync(join(stateDir, 'reader-checkpoint.json'))).toBe(true);
    expect(existsSync(join(stateDir, 'vectors.jsonl'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);

    // Again: it says it resumed, from where, how to start over, and why it read nothing.
    const second = await start([], settings, cwd);
    expect(second.code).toBe(0);
    const secondLines = second.stderr.trim().split('\n');
    expect(secondLines[0]).toMatch(/resuming after the row updated at .* with id \d+ \(saved in .*reader-checkpoint\.json; --from-start reads everything again\)/);
    expect(second.stderr).toContain(`read 0 rows: nothing in wire_messages changed after`);
    expect(second.stderr).toContain(`--from-start reads all ${rows} rows again`);
    expect(secondLines.at(-1)).toBe('leadwire: done; 0 snapshots, 0 signal records, 0 lead scores, 0 lead events, 0 dead letters');
    expect(tableRows(second.stdout)).toEqual([]);

    // --from-start reads everything again; --tier and --limit filter what is printed.
    const third = await start(['--from-start', '--tier', 'qualified,nurturing', '--limit', '3'], settings, cwd);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`read ${rows} rows from wire_messages`);
    const filtered = tableRows(third.stdout);
    expect(filtered).toHaveLength(3);
    expect(filtered.every((l) => l.startsWith('qualified') || l.startsWith('nurturing'))).toBe(true);
    expect(third.stdout).toMatch(/\(3 of 12 conversations shown; \d+ more beyond --limit 3, \d+ of other tiers\)/);
  }, 300_000);

  it('reads with SELECT only, its tables in a schema an owner made for it in the WireChat database', async () => {
    await adminWc.query(`CREATE SCHEMA leadwire_ro AUTHORIZATION ${reader.name}`);
    const dir = join(stateDir, 'schema-run');
    const r = await start([], { DATABASE_URL: roUrl, LEADWIRE_DB_SCHEMA: 'leadwire_ro', LEADWIRE_STATE_DIR: dir }, cwd);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(tableRows(r.stdout)).toHaveLength(12);
    const t = await adminWc.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'leadwire_ro' ORDER BY 1`);
    expect(t.rows.map((x) => x.tablename)).toEqual(expect.arrayContaining(['leads', 'lead_score_history', 'leadwire_migrations']));
    const pub = await adminWc.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'wire\\_%'`);
    expect(pub.rows[0].n).toBe(0);
  }, 150_000);
  it('following: the first read\'s table and summary line, then new rows scored as they arrive, --tier filtering both', async () => {
    const base = { ...process.env };
    for (const k of ['DATABASE_URL', 'ANALYTICS_DATABASE_URL', 'QDRANT_URL', 'LEADWIRE_VECTORS_FILE']) delete base[k];
    const proc = spawn(process.execPath, [BIN, 'start', '--from-start', '--tier', 'qualified'], {
      cwd,
      env: { ...base, LOG_LEVEL: 'warn', LEADWIRE_BOARD: 'false', DATABASE_URL: roUrl, ANALYTICS_DATABASE_URL: urlFor(env.databaseUrl, analyticsDb), LEADWIRE_STATE_DIR: join(stateDir, 'follow'), WINDOW_GAP_MS: '1000' },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    proc.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    try {
      await waitFor(async () => /leadwire: done; /.test(stderr), 60_000, 'the first summary line');
      const first = tableRows(stdout);
      expect(first.length).toBeGreaterThan(0);
      expect(first.every((l) => l.startsWith('qualified'))).toBe(true);
      // A new conversation written while it follows: scored live, and shown since it is qualified.
      const conv = '990001';
      await adminWc.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [conv]);
      await adminWc.query(
        `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at)
         VALUES ($1, 77, 'App\\Models\\Customer', 'Necesito una cotización para 300 unidades, llámeme mañana al 3001234567', 'text', now(), now())`, [conv]);
      await waitFor(async () => stdout.includes(`qualified   conversation ${conv} score`), 60_000, 'the live line of the new conversation');
      const live = stdout.split('\n').filter((l) => /^\S+\s+conversation \d+ score /.test(l));
      expect(live.length).toBeGreaterThan(0);
      expect(live.filter((l) => !l.startsWith('qualified'))).toEqual([]);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  }, 150_000);
});
