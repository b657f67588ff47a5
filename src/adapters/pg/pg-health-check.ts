// A readiness check of PostgreSQL for the lead server: a small pool that runs `select 1`.
import pg from 'pg';

export interface PgHealthCheck {
  check(): Promise<{ ok: boolean }>;
  close(): Promise<void>;
}

export function createPgHealthCheck(databaseUrl: string): PgHealthCheck {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    async check() { await pool.query('select 1'); return { ok: true }; },
    close: () => pool.end(),
  };
}
