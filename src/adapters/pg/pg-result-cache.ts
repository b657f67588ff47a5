// ResultCache in PostgreSQL (table from migrations/001_llm_cache.sql): answers
// survive restarts and are shared by every worker of the extract stage.
import pg from 'pg';
import { LeadwireError } from '../../core/errors.js';
import { runMigrations } from './migrate.js';
import { createSchemaPool } from './schema-pool.js';
import type { CacheEntry, CacheKey, ResultCache } from '../../ports/result-cache.js';

export interface PgResultCacheOptions {
  /** Either a pool the caller owns, or a URL (the cache then owns its pool). */
  pool?: pg.Pool;
  databaseUrl?: string;
  /** Schema of the table when the cache makes its pool from `databaseUrl` (default `leadwire`). */
  schema?: string;
  /** Run pending migrations before the first query (default true). */
  migrate?: boolean;
}

interface Row { conversation_id: string; value: unknown; created_at: Date }

const toEntry = <V>(r: Row): CacheEntry<V> => ({ conversationId: r.conversation_id, value: r.value as V, createdAt: r.created_at.getTime() });

export function createPgResultCache(opts: PgResultCacheOptions): ResultCache {
  if (!opts.pool && !opts.databaseUrl) throw new Error('createPgResultCache needs a pool or a databaseUrl');
  const owned = !opts.pool;
  const schema = opts.pool ? opts.schema : (opts.schema ?? 'leadwire');
  const pool = opts.pool ?? (schema ? createSchemaPool({ url: opts.databaseUrl!, schema, max: 4 }) : new pg.Pool({ connectionString: opts.databaseUrl, max: 4 }));
  // An idle client that errors (server restart) must not crash the process: the next query reconnects.
  if (owned) pool.on('error', () => undefined);
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    if (opts.migrate === false) return Promise.resolve();
    ready ??= runMigrations(pool, schema ? { schema } : {}).catch((err) => { ready = undefined; throw err; });
    return ready;
  };
  const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      await ensure();
      return await fn();
    } catch (err) {
      throw new LeadwireError(`LLM result cache ${what} failed: ${(err as Error).message}`, { kind: 'unavailable', cause: err });
    }
  };

  return {
    kind: 'postgres',
    get<V>(key: CacheKey) {
      return wrap('get', async () => {
        const { rows } = await pool.query<Row>(
          'SELECT conversation_id, value, created_at FROM llm_result_cache WHERE content_hash = $1 AND prompt_version = $2 AND model = $3',
          [key.contentHash, key.promptVersion, key.model]);
        return rows[0] ? toEntry<V>(rows[0]) : undefined;
      });
    },
    put<V>(key: CacheKey, entry: CacheEntry<V>) {
      return wrap('put', async () => {
        await pool.query(
          `INSERT INTO llm_result_cache (content_hash, prompt_version, model, conversation_id, value, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (content_hash, prompt_version, model)
           DO UPDATE SET conversation_id = EXCLUDED.conversation_id, value = EXCLUDED.value, created_at = EXCLUDED.created_at`,
          [key.contentHash, key.promptVersion, key.model, entry.conversationId, JSON.stringify(entry.value), new Date(entry.createdAt)]);
      });
    },
    latest<V>(conversationId: string, promptVersion: string, model: string) {
      return wrap('latest', async () => {
        const { rows } = await pool.query<Row>(
          `SELECT conversation_id, value, created_at FROM llm_result_cache
           WHERE conversation_id = $1 AND prompt_version = $2 AND model = $3
           ORDER BY created_at DESC LIMIT 1`,
          [conversationId, promptVersion, model]);
        return rows[0] ? toEntry<V>(rows[0]) : undefined;
      });
    },
    async close() { if (owned) await pool.end(); },
  };
}
