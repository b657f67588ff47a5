// Where leadwire keeps its files and its tables: the state directory (never the current folder)
// and a schema or database of its own, and the one line a refused grant becomes.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { analyticsDatabaseUrl } from '../../../src/config/schema.js';
import { pgAccessError, redactDatabaseUrl } from '../../../src/adapters/pg/pg-access-error.js';
import { LeadwireError } from '../../../src/core/errors.js';

describe('state directory', () => {
  it('defaults to the XDG state directory, with the vectors file in it', () => {
    const c = loadConfig({ HOME: '/home/ana' });
    expect(c.stateDir).toBe('/home/ana/.local/state/leadwire');
    expect(c.embed.vectorsFile).toBe('/home/ana/.local/state/leadwire/vectors.jsonl');
    expect(loadConfig({ HOME: '/home/ana', XDG_STATE_HOME: '/var/state' }).stateDir).toBe('/var/state/leadwire');
  });

  it('LEADWIRE_STATE_DIR moves everything; LEADWIRE_VECTORS_FILE still names the vectors file alone', () => {
    expect(loadConfig({ HOME: '/h', LEADWIRE_STATE_DIR: '/srv/lw' }).embed.vectorsFile).toBe('/srv/lw/vectors.jsonl');
    const c = loadConfig({ HOME: '/h', LEADWIRE_STATE_DIR: '/srv/lw', LEADWIRE_VECTORS_FILE: '/data/v.jsonl' });
    expect([c.stateDir, c.embed.vectorsFile]).toEqual(['/srv/lw', '/data/v.jsonl']);
  });
});

describe('database settings', () => {
  it("leadwire's tables: schema leadwire in DATABASE_URL by default, or ANALYTICS_DATABASE_URL", () => {
    const c = loadConfig({ HOME: '/h', DATABASE_URL: 'postgres://ro@db/wirechat' });
    expect(c.database.schema).toBe('leadwire');
    expect(analyticsDatabaseUrl(c.database)).toBe('postgres://ro@db/wirechat');
    const d = loadConfig({ HOME: '/h', DATABASE_URL: 'postgres://ro@db/wirechat', ANALYTICS_DATABASE_URL: 'postgres://lw@db2/leadwire', LEADWIRE_DB_SCHEMA: 'lw' });
    expect([analyticsDatabaseUrl(d.database), d.database.schema]).toEqual(['postgres://lw@db2/leadwire', 'lw']);
    expect(() => loadConfig({ HOME: '/h', LEADWIRE_DB_SCHEMA: 'Lead-Wire' })).toThrow(/LEADWIRE_DB_SCHEMA/);
  });

  it('hides the password of a database URL', () => {
    expect(redactDatabaseUrl('postgres://ro:s3cr%40t@db:5432/wirechat')).toBe('postgres://ro:***@db:5432/wirechat');
    expect(redactDatabaseUrl('postgres://ro@db/wirechat')).toBe('postgres://ro@db/wirechat');
  });
});

describe('refused grants', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const url = 'postgres://wirechat_ro:pw@db/wirechat';

  it('no SELECT on wire_messages: the GRANT, as a configuration error (exit code 2)', () => {
    const e = pgAccessError(pgError('42501', 'permission denied for table wire_messages'), { doing: 'read wire_messages', urlVar: 'DATABASE_URL', url, table: 'wire_messages' });
    expect(e).toBeInstanceOf(LeadwireError);
    expect((e as LeadwireError).kind).toBe('config');
    expect((e as Error).message).toBe('cannot read wire_messages in DATABASE_URL (postgres://wirechat_ro:***@db/wirechat): permission denied for table wire_messages; as the owner of wire_messages run: GRANT SELECT ON wire_messages TO wirechat_ro;');
  });

  it("no place for leadwire's tables: the schema to create, or the grant on an existing one", () => {
    const ctx = { doing: "create leadwire's tables", urlVar: 'DATABASE_URL', url, schema: 'leadwire' };
    expect((pgAccessError(pgError('42501', 'permission denied for database wirechat'), ctx) as Error).message)
      .toContain('as a database owner run: CREATE SCHEMA leadwire AUTHORIZATION wirechat_ro; (or set ANALYTICS_DATABASE_URL');
    expect((pgAccessError(pgError('42501', 'permission denied for schema leadwire'), ctx) as Error).message).toContain('GRANT USAGE, CREATE ON SCHEMA leadwire TO wirechat_ro;');
    expect((pgAccessError(pgError('3F000', 'no schema has been selected to create in'), ctx) as Error).message).toContain('GRANT USAGE, CREATE ON SCHEMA leadwire TO wirechat_ro;');
  });

  it('leaves other failures alone', () => {
    const other = pgError('40001', 'could not serialize access');
    expect(pgAccessError(other, { doing: 'read wire_messages', urlVar: 'DATABASE_URL', url, table: 'wire_messages' })).toBe(other);
  });
});
