// A WireChat database of its own for a test: the schema from stack/sql/wirechat.sql and the
// bundled sample conversations as rows, so counts do not depend on what other tests inserted.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { sampleEvents } from '../../src/sources/sample-source.js';

const WIRECHAT_SQL = readFileSync(new URL('../../stack/sql/wirechat.sql', import.meta.url), 'utf8');

/** `adminUrl` with another database name. */
export function urlFor(adminUrl: string, database: string, user?: { name: string; password: string }): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  if (user) { u.username = user.name; u.password = user.password; }
  return u.toString();
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try { await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`); } finally { await c.end(); }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try { await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`); } finally { await c.end(); }
}

/** WireChat's tables in `url`'s database, with the sample conversations; returns the rows inserted. */
export async function seedWirechat(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(WIRECHAT_SQL);
    const events = sampleEvents().map((e) => JSON.parse(e.value).after as { conversation_id: number; sendable_id: number; sendable_type: string; body: string; created_at: number });
    for (const cid of new Set(events.map((e) => e.conversation_id))) {
      await c.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [cid]);
    }
    for (const e of events) {
      await c.query(
        `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'text', to_timestamp($5 / 1000.0) AT TIME ZONE 'UTC', to_timestamp($5 / 1000.0) AT TIME ZONE 'UTC')`,
        [e.conversation_id, e.sendable_id, e.sendable_type, e.body, e.created_at]);
    }
    return events.length;
  } finally {
    await c.end();
  }
}
