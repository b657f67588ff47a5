// The query-based reader of wire_messages on a large table: rows/s of a full keyset read (pages of
// 1,000, envelopes built, checkpoint saved) on 100k rows, with and without the index README's
// "What leadwire reads" recommends, in alternating rounds on the same table. WireChat's own
// indexes do not cover the reader's ORDER BY, so without it every page sorts the whole table.
// Writes the figures under the key `tableReader` of bench/results.json (the rest is kept).
//   eval "$(node bin/leadwire.js stack env)"     # DATABASE_URL of the stack's PostgreSQL
//   node bin/run-ts.js bench/table-reader.ts [--rows 100000] [--rounds 3] [--out bench/results.json]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { createTableReader, memoryCheckpointStore } from '../src/sources/pg-table-reader.js';
import { silentLogger } from '../src/core/logger.js';
import { median, round } from './lib/common.js';

const argv = process.argv.slice(2);
const num = (flag: string, fallback: number) => { const i = argv.indexOf(flag); return i >= 0 ? Number(argv[i + 1]) : fallback; };
const rows = num('--rows', 100_000);
const rounds = num('--rounds', 3);
const out = (() => { const i = argv.indexOf('--out'); return i >= 0 ? argv[i + 1]! : 'bench/results.json'; })();
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL is not set: eval "$(node bin/leadwire.js stack env)" first');

/** The index README recommends: the reader's ORDER BY, so each page is an index range scan. */
export const KEYSET_INDEX = 'CREATE INDEX wire_messages_leadwire_keyset ON wire_messages ((COALESCE(updated_at, created_at)), id)';

const database = `bench_table_reader_${process.pid}`;
const dbUrl = (() => { const u = new URL(adminUrl); u.pathname = `/${database}`; return u.toString(); })();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const db = new pg.Client({ connectionString: dbUrl });

async function readAll(): Promise<{ rows: number; seconds: number; pages: number }> {
  const reader = createTableReader({ databaseUrl: dbUrl, checkpoints: memoryCheckpointStore(), logger: silentLogger });
  const t = process.hrtime.bigint();
  let n = 0;
  let pages = 0;
  for await (const page of reader.read()) { n += page.length; pages++; }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  await reader.close();
  return { rows: n, seconds, pages };
}

/** The plan of a page deep in the table (after the middle row), as the reader asks for it. */
async function pagePlan(): Promise<string> {
  const mid = await db.query(`SELECT COALESCE(updated_at, created_at) AS at, id FROM wire_messages ORDER BY 1, 2 OFFSET $1 LIMIT 1`, [Math.floor(rows / 2)]);
  const r = await db.query(`EXPLAIN SELECT id FROM wire_messages WHERE (COALESCE(updated_at, created_at), id) > ($1::timestamp, $2::bigint) ORDER BY COALESCE(updated_at, created_at), id LIMIT 1000`, [mid.rows[0].at, mid.rows[0].id]);
  return r.rows.map((x) => x['QUERY PLAN'] as string).join(' / ').replace(/\s+/g, ' ');
}

try {
  await db.connect();
  await db.query(readFileSync(new URL('../stack/sql/wirechat.sql', import.meta.url), 'utf8'));
  // WireChat-shaped rows: 10 messages per conversation, customer and agent alternating, a second
  // apart; one in ten edited later (updated_at moves it past rows created after it).
  const conversations = Math.ceil(rows / 10);
  await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) SELECT g, 'private', now(), now() FROM generate_series(1, $1) g`, [conversations]);
  await db.query(
    `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at)
     SELECT 1 + (g - 1) / 10, CASE WHEN g % 2 = 0 THEN 90 ELSE 5000 + (g - 1) / 10 END,
            CASE WHEN g % 2 = 0 THEN 'App\\Models\\User' ELSE 'App\\Models\\Customer' END,
            'mensaje ' || g || ': necesito una cotización de la empacadora, ¿cuánto cuesta con envío?', 'text',
            timestamp '2026-01-01' + g * interval '1 second',
            timestamp '2026-01-01' + g * interval '1 second' + CASE WHEN g % 10 = 0 THEN interval '3 days' ELSE interval '0' END
       FROM generate_series(1, $1) g`, [rows]);
  await db.query('ANALYZE wire_messages');

  const without: number[] = [];
  const withIndex: number[] = [];
  let plans = { without: '', withIndex: '' };
  // Alternating rounds: a drift of the machine's load shows as spread, not as a false ratio.
  for (let i = 0; i < rounds; i++) {
    await db.query('DROP INDEX IF EXISTS wire_messages_leadwire_keyset');
    await db.query('ANALYZE wire_messages');
    const a = await readAll();
    if (a.rows !== rows) throw new Error(`read ${a.rows} rows, expected ${rows}`);
    without.push(a.rows / a.seconds);
    if (i === 0) plans.without = await pagePlan();
    await db.query(KEYSET_INDEX);
    await db.query('ANALYZE wire_messages');
    const b = await readAll();
    if (b.rows !== rows) throw new Error(`read ${b.rows} rows, expected ${rows}`);
    withIndex.push(b.rows / b.seconds);
    if (i === 0) plans.withIndex = await pagePlan();
    console.error(`round ${i + 1}: ${Math.round(without[i]!)} rows/s without the index, ${Math.round(withIndex[i]!)} with it`);
  }

  const ratios = withIndex.map((w, i) => w / without[i]!);
  const figures = {
    when: new Date().toISOString(),
    commit: (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return null; } })(),
    command: `node bin/run-ts.js bench/table-reader.ts ${argv.join(' ')}`.trim(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model, loadavgBefore: loadavg().map((l) => round(l, 2)), node: process.version },
    rows,
    pageSize: 1000,
    what: 'a full read of wire_messages by the query-based reader (keyset pages of 1,000 on (COALESCE(updated_at, created_at), id), Debezium-shaped envelopes built), PostgreSQL of the local stack on the same machine',
    index: KEYSET_INDEX,
    rowsPerSecond: {
      withIndex: { median: round(median(withIndex)), min: round(Math.min(...withIndex)), max: round(Math.max(...withIndex)), rounds: withIndex.map((x) => round(x)) },
      withoutIndex: { median: round(median(without)), min: round(Math.min(...without)), max: round(Math.max(...without)), rounds: without.map((x) => round(x)) },
    },
    ratio: { median: round(median(ratios), 2), min: round(Math.min(...ratios), 2), max: round(Math.max(...ratios), 2) },
    pagePlan: plans,
    loadavgAfter: loadavg().map((l) => round(l, 2)),
  };
  const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> : {};
  report.tableReader = figures;
  writeFileSync(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(JSON.stringify(figures, null, 2));
  console.error(`written under "tableReader" in ${out}`);
} finally {
  await db.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
