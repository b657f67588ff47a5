// The PostgreSQL result cache against the real stack's DATABASE_URL: the
// migration runner, the shared ResultCache contract, and an extractor that
// finds its answer again after a restart (no second request to the fake
// OpenAI server, a test double).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations, runMigrations } from '../../src/adapters/pg/migrate.js';
import { createPgResultCache } from '../../src/adapters/pg/pg-result-cache.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../helpers/fake-openai-server.js';
import { stackEnv } from '../helpers/stack-env.js';
import { catalog, makeExtractor, rulesOf, snapshotOf } from '../unit/llm/harness.js';
import { resultCacheContract } from '../unit/llm/result-cache-contract.js';

const databaseUrl = stackEnv().databaseUrl;
let pool: pg.Pool;
let server: FakeOpenAiServer;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  await server.close();
  await pool.end();
});

describe('migrations', () => {
  it('apply once, record what ran, and are a no-op the second time', async () => {
    await runMigrations(pool);
    expect(await runMigrations(pool)).toEqual([]);
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM leadwire_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(readMigrations().map((m) => m.name)));
    const t = await pool.query("SELECT to_regclass('public.llm_result_cache') AS t");
    expect(t.rows[0].t).toBe('llm_result_cache');
  });

  it('concurrent runners do not apply a file twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-mig-'));
    const table = `lw_mig_probe_${Date.now()}`;
    writeFileSync(join(dir, '001_probe.sql'), `CREATE TABLE ${table} (id int); INSERT INTO ${table} VALUES (1);`);
    // A private bookkeeping table would need a schema change; instead check the probe table has one row.
    const applied = await Promise.all([runMigrations(pool, { dir }), runMigrations(pool, { dir })]);
    expect(applied.flat().filter((n) => n === '001_probe.sql')).toHaveLength(1);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows[0].n).toBe(1);
    await pool.query(`DROP TABLE ${table}`);
    await pool.query("DELETE FROM leadwire_migrations WHERE name = '001_probe.sql'");
  });

  it('refuses an applied migration whose text changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-mig-'));
    const name = `001_changed_${Date.now()}.sql`;
    writeFileSync(join(dir, name), 'SELECT 1;');
    await runMigrations(pool, { dir });
    writeFileSync(join(dir, name), 'SELECT 2;');
    await expect(runMigrations(pool, { dir })).rejects.toThrow(/changed after it was applied/);
    await pool.query('DELETE FROM leadwire_migrations WHERE name = $1', [name]);
  });
});

resultCacheContract('postgres', async () => createPgResultCache({ databaseUrl }), { restart: async () => createPgResultCache({ databaseUrl }) });

describe('LLM extractor with the PostgreSQL cache', () => {
  it('finds its answer again after a restart: no second request to the endpoint', async () => {
    // The cache key is the data, not the conversation: unique text so an earlier run's entry cannot answer.
    const units = 1_000 + Math.floor(Math.random() * 1_000_000);
    const s = snapshotOf(`pg-${Date.now()}`, [
      { role: 'customer', body: `Necesito una cotización urgente para ${units} unidades` },
      { role: 'customer', body: 'Pagamos por transferencia' },
    ]);
    const first = createPgResultCache({ databaseUrl });
    const a = await makeExtractor(server, { cache: 'postgres' }, { cache: first }).extract(s, rulesOf(s), { catalog });
    await first.close();
    expect(server.requests).toHaveLength(1);
    expect(a.llm?.cached).toBe(false);

    const second = createPgResultCache({ databaseUrl });
    const x = makeExtractor(server, { cache: 'postgres' }, { cache: second });
    // The gate's memory came back from PostgreSQL too: the same transcript is not worth a call.
    const reused = await x.extract(s, rulesOf(s), { catalog });
    expect(reused.llm?.reused).toBe(true);
    const forced = await x.extract(s, rulesOf(s), { catalog, force: true });
    expect(forced.llm?.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
    await second.close();
  });
});
