// The query-based reader of wire_messages: keyset pages on (updated_at, id),
// resumable from its checkpoint, feeding the local runtime via `leadwire start`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { env } from '../helpers/kafka-kit.js';
import { createTableReader, memoryCheckpointStore } from '../../src/sources/pg-table-reader.js';
import { silentLogger } from '../../src/core/logger.js';

const run = promisify(execFile);

describe('query-based table reader', () => {
  const db = new pg.Client({ connectionString: env.databaseUrl });
  const conv = String(8_000_000_000 + Math.floor(Math.random() * 1e9));
  const ids: string[] = [];

  beforeAll(async () => {
    await db.connect();
    await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [conv]);
    for (let i = 0; i < 25; i++) {
      const at = `2026-10-01 10:${String(i).padStart(2, '0')}:00`;
      const r = await db.query(
        `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, 9, $2, $3, 'text', $4::timestamp, $4::timestamp) RETURNING id::text`,
        [conv, i % 2 ? 'App\\Models\\User' : 'App\\Models\\Customer', i === 24 ? 'Necesito una cotización para 600 unidades, llámeme mañana' : `mensaje ${i}`, at]);
      ids.push(r.rows[0].id);
    }
  });
  afterAll(async () => { await db.end(); });

  it('pages through in (updated_at, id) order and resumes after its checkpoint, seeing edits again', async () => {
    const checkpoints = memoryCheckpointStore();
    const reader = createTableReader({ databaseUrl: env.databaseUrl, batchSize: 7, conversationId: conv, checkpoints, logger: silentLogger });
    const pages: string[][] = [];
    for await (const page of reader.read()) pages.push(page.map((r) => r.row.id));
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flat()).toEqual(ids);
    expect(checkpoints.load()?.id).toBe(ids[24]);

    // Nothing new: a resumed reader reads nothing.
    const again: string[] = [];
    for await (const page of reader.read()) again.push(...page.map((r) => r.row.id));
    expect(again).toEqual([]);

    // An edit moves the row past the checkpoint; a new row too.
    await db.query(`UPDATE wire_messages SET body = 'editado', updated_at = '2026-10-02 00:00:00' WHERE id = $1`, [ids[3]]);
    const later: Array<{ id: string; body: string | null; value: string }> = [];
    for await (const page of reader.read()) later.push(...page.map((r) => ({ id: r.row.id, body: r.row.body, value: r.value })));
    expect(later.map((r) => [r.id, r.body])).toEqual([[ids[3], 'editado']]);
    // The envelope keeps the bigint ids as bare JSON numbers, exactly like Debezium.
    expect(later[0]!.value).toContain(`"conversation_id":${conv}`);
    await reader.close();
  });

  it('`leadwire start --once` reads the table through the whole local topology', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-start-'));
    const { stdout } = await run(process.execPath, ['bin/leadwire.js', 'start', '--once', '--json', '--checkpoint', join(dir, 'cp.json')], {
      env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000,
    });
    const records = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.conversationId === conv);
    expect(records.length).toBeGreaterThan(0);
    const last = records[records.length - 1];
    expect(last.tier).toBe('qualified');
    expect(last.signals.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['asks_quote']));
  }, 150_000);
});

describe('backfill and connector commands', () => {
  it('`leadwire backfill --conversation` reads one conversation, then resumes with nothing left', async () => {
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    const conv = String(7_000_000_000 + Math.floor(Math.random() * 1e9));
    await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [conv]);
    for (const [i, body] of ['Hi', 'I want to order 40 units, please send the invoice', 'thanks'].entries()) {
      await db.query(`INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, 3, 'App\\Models\\Customer', $2, 'text', $3::timestamp, $3::timestamp)`, [conv, body, `2026-10-05 09:0${i}:00`]);
    }
    await db.end();
    const dir = mkdtempSync(join(tmpdir(), 'lw-backfill-'));
    const args = ['bin/leadwire.js', 'backfill', '--conversation', conv, '--batch', '2', '--checkpoint', join(dir, 'cp.json'), '--json'];
    const opts = { env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'warn' }, timeout: 60_000 };
    const first = await run(process.execPath, args, opts);
    const recs = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((r) => r.conversationId)).toEqual([conv]);
    expect(recs[0].tier).toBe('qualified');
    expect(first.stderr).toContain('backfill: 3 rows');
    const second = await run(process.execPath, args, opts);
    expect(second.stderr).toContain('backfill: 0 rows');
  }, 120_000);

  it('`leadwire connector status` reports RUNNING; register is idempotent', async () => {
    const opts = { env: { ...process.env, DATABASE_URL: env.databaseUrl, CONNECT_URL: env.connectUrl, DEBEZIUM_TOPIC_PREFIX: env.topicPrefix }, timeout: 60_000 };
    const st = await run(process.execPath, ['bin/leadwire.js', 'connector', 'status'], opts);
    expect(st.stdout).toMatch(/leadwire-wire-messages: RUNNING/);
    const dry = await run(process.execPath, ['bin/leadwire.js', 'connector', 'register', '--dry-run'], opts);
    const def = JSON.parse(dry.stdout);
    const live = await (await fetch(`${env.connectUrl}/connectors/leadwire-wire-messages/config`)).json() as Record<string, string>;
    // What `register` would send is what runs: the stack registered the same template.
    for (const k of ['plugin.name', 'slot.name', 'publication.name', 'topic.prefix', 'database.dbname', 'time.precision.mode']) expect(def.config[k], k).toBe(live[k]);
  });
});
