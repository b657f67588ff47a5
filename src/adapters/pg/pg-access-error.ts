// PostgreSQL refusals a user fixes with one statement (a grant, a schema, a table) become one
// configuration error naming that statement: exit code 2 and no stack trace, instead of
// `permission denied for schema public` deep in a stage's init.
import { configError, LeadwireError } from '../../core/errors.js';

/** `postgres://user:secret@host:5432/db` → `postgres://user:***@host:5432/db`, for logs and first lines. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** The role and database a URL connects as (PGUSER / the OS user when the URL names none). */
export function databaseIdentity(url: string, env: NodeJS.ProcessEnv = process.env): { user: string; database: string } {
  let u: URL | undefined;
  try { u = new URL(url); } catch { /* a libpq key=value string: fall back to the environment */ }
  const user = (u?.username && decodeURIComponent(u.username)) || env.PGUSER || env.USER || 'the connecting role';
  const database = (u?.pathname.length && u.pathname.length > 1 && decodeURIComponent(u.pathname.slice(1))) || env.PGDATABASE || user;
  return { user, database };
}

const quoteIdent = (s: string) => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);

export interface PgAccessContext {
  /** What was being done, as "cannot …": e.g. "read wire_messages", "create leadwire's tables". */
  doing: string;
  /** The environment variable that names the database (DATABASE_URL, ANALYTICS_DATABASE_URL). */
  urlVar: string;
  url: string;
  /** The schema of leadwire's own tables, when the failure is about them. */
  schema?: string;
  /** The WireChat table read, when the failure is about it. */
  table?: string;
}

/**
 * A configuration error with the statement that fixes it, for the refusals a person fixes by
 * hand; anything else is returned unchanged (a network blip mid-run stays retriable).
 */
export function pgAccessError(err: unknown, ctx: PgAccessContext): unknown {
  if (err instanceof LeadwireError) return err;
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  const { user } = databaseIdentity(ctx.url);
  const who = quoteIdent(user);
  const head = `cannot ${ctx.doing} in ${ctx.urlVar} (${redactDatabaseUrl(ctx.url)}): ${msg}`;
  const elsewhere = " (or set ANALYTICS_DATABASE_URL to a database of leadwire's own)";
  // 42501 insufficient_privilege; 3F000 invalid_schema_name: the schema exists but the role has
  // no USAGE on it, so search_path skips it and "no schema has been selected to create in".
  if ((e?.code === '42501' || e?.code === '3F000') && ctx.table) {
    return configError(`${head}; as the owner of ${ctx.table} run: GRANT SELECT ON ${ctx.table} TO ${who};`);
  }
  if ((e?.code === '42501' || e?.code === '3F000') && ctx.schema) {
    const schema = quoteIdent(ctx.schema);
    const fix = /for database/.test(msg) ? `CREATE SCHEMA ${schema} AUTHORIZATION ${who};` : `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${who};`;
    return configError(`${head}; as a database owner run: ${fix}${elsewhere}`);
  }
  if (e?.code === '42501') return configError(head);
  if (e?.code === '42P01' && ctx.table) return configError(`${head}; ${ctx.urlVar} must name the WireChat database that holds ${ctx.table}`);
  if (e?.code === '42703' && ctx.table) return configError(`${head}; README "What leadwire reads" lists the columns of ${ctx.table} it needs`);
  if (e?.code === '28P01' || e?.code === '28000') return configError(`${head}; check the user and password in ${ctx.urlVar}`);
  if (e?.code === '3D000') return configError(`${head}; check the database name in ${ctx.urlVar}`);
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND') return configError(`${head}; is PostgreSQL running there?`);
  return err;
}
