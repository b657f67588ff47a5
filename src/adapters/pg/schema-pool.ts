import pg from 'pg';

/**
 * A pool whose sessions resolve unqualified names in `schema` only, so leadwire's queries keep
 * their plain table names and its tables stay out of the customer's `public`. Set on every new
 * connection (pg queues it before any other query of that client) rather than as a startup
 * option, which an `options=` in the URL would silently replace. pg_catalog is always searched,
 * so built-in functions still resolve.
 */
export function createSchemaPool(opts: { url: string; schema: string; max: number; allowExitOnIdle?: boolean }): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max, ...(opts.allowExitOnIdle ? { allowExitOnIdle: true } : {}) });
  pool.on('connect', (client) => {
    // A failure here surfaces on the client's next query (the same error), so it is not lost.
    client.query(`SET search_path TO ${client.escapeIdentifier(opts.schema)}`).catch(() => undefined);
  });
  return pool;
}
