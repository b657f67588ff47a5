import pg from 'pg';

/**
 * A pool whose sessions resolve unqualified names in `schema` only (search_path as a startup
 * option), so leadwire's queries keep their plain table names and its tables stay out of the
 * customer's `public`. pg_catalog is always searched, so built-in functions still resolve.
 */
export function createSchemaPool(opts: { url: string; schema: string; max: number; allowExitOnIdle?: boolean }): pg.Pool {
  return new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    options: `-c search_path=${opts.schema}`,
    ...(opts.allowExitOnIdle ? { allowExitOnIdle: true } : {}),
  });
}
