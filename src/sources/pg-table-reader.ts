import { mkdirSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSourcePool } from '../adapters/pg/source-pool.js';
import type { Logger } from 'pino';
import { envelopeJson, keyJson, type WireMessageRow } from './wire-row.js';

export interface Checkpoint { updatedAt: number; id: string }

export interface CheckpointStore {
  load(): Checkpoint | null;
  save(c: Checkpoint): void;
  /** Forget the position: the next read starts from the first row. */
  clear(): void;
}

/** A checkpoint kept in a JSON file, replaced atomically. */
export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    load() {
      try { return JSON.parse(readFileSync(path, 'utf8')) as Checkpoint; } catch { return null; }
    },
    save(c) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(c));
      renameSync(`${path}.tmp`, path);
    },
    clear() { rmSync(path, { force: true }); },
  };
}

export function memoryCheckpointStore(): CheckpointStore {
  let c: Checkpoint | null = null;
  return { load: () => c, save: (x) => { c = x; }, clear: () => { c = null; } };
}

export interface TableReaderOptions {
  databaseUrl: string;
  batchSize?: number;
  from?: Date;
  to?: Date;
  conversationId?: string;
  checkpoints: CheckpointStore;
  logger: Logger;
}

// bigint ids as text: they pass above 2^53 untouched.
const SELECT_LIST = 'id::text, conversation_id::text, sendable_id::text, sendable_type, reply_id::text, body, type, kept_at, deleted_at, created_at, updated_at';

/**
 * The query-based reader of wire_messages: keyset pagination on
 * (updated_at, id), so each page is an index range scan and a restart resumes
 * after the last row it handed out. It sees inserts, edits and soft deletes;
 * hard deletes are invisible to a query (that is what Debezium is for).
 */
export function createTableReader(opts: TableReaderOptions) {
  const pool = createSourcePool(opts.databaseUrl);
  const batchSize = opts.batchSize ?? 1000;

  const ts = (d: Date | number) => new Date(d).toISOString().replace('T', ' ').replace('Z', '');

  function filters(after: Checkpoint | null): { where: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (after) {
      params.push(ts(after.updatedAt), after.id);
      where.push(`(COALESCE(updated_at, created_at), id) > ($1::timestamp, $2::bigint)`);
    }
    if (opts.from) { params.push(ts(opts.from)); where.push(`created_at >= $${params.length}::timestamp`); }
    if (opts.to) { params.push(ts(opts.to)); where.push(`created_at < $${params.length}::timestamp`); }
    if (opts.conversationId) { params.push(opts.conversationId); where.push(`conversation_id = $${params.length}::bigint`); }
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  async function page(after: Checkpoint | null): Promise<WireMessageRow[]> {
    const { where, params } = filters(after);
    params.push(batchSize);
    const sql = `SELECT ${SELECT_LIST}
      FROM wire_messages ${where}
      ORDER BY COALESCE(updated_at, created_at), id LIMIT $${params.length}`;
    const res = await pool.query(sql, params);
    return res.rows as WireMessageRow[];
  }

  return {
    /**
     * Selects nothing with the reader's own column list: a missing table, column or grant fails
     * here, before anything runs, with PostgreSQL's own error (code 42501, 42P01, 42703).
     */
    async check(): Promise<void> {
      await pool.query(`SELECT ${SELECT_LIST} FROM wire_messages LIMIT 0`);
    },
    /** Rows in wire_messages within the filters, ignoring the checkpoint: tells "empty" from "nothing new". */
    async countAll(): Promise<number> {
      const { where, params } = filters(null);
      const r = await pool.query(`SELECT count(*)::int AS n FROM wire_messages ${where}`, params);
      return r.rows[0].n as number;
    },
    /** Reads pages from the checkpoint until the table is exhausted; each page is handed out, then checkpointed. */
    async *read(): AsyncGenerator<Array<{ key: string; value: string; timestamp: number; row: WireMessageRow }>> {
      let cp = opts.checkpoints.load();
      for (;;) {
        const rows = await page(cp);
        if (rows.length === 0) return;
        yield rows.map((row) => ({
          key: keyJson(row.id),
          value: envelopeJson(row, null, 'r', { tsMs: row.updated_at ?? row.created_at, snapshot: true }),
          timestamp: row.created_at,
          row,
        }));
        const last = rows[rows.length - 1]!;
        cp = { updatedAt: last.updated_at ?? last.created_at, id: last.id };
        opts.checkpoints.save(cp);
        opts.logger.debug({ checkpoint: cp, rows: rows.length }, 'table reader page');
        if (rows.length < batchSize) return;
      }
    },
    /** Rows still to read from the saved position, with the same filters. */
    async countRemaining(): Promise<number> {
      const { where, params } = filters(opts.checkpoints.load());
      const r = await pool.query(`SELECT count(*)::int AS n FROM wire_messages ${where}`, params);
      return r.rows[0].n as number;
    },
    close: () => pool.end(),
  };
}
