// A small read pool on the source database (wire_messages), for the query
// reader of src/sources. `timestamp without time zone` is wall time as stored:
// it is read as UTC, so the epoch ms match what Debezium emits for the column.
import pg from 'pg';

export interface SourcePool {
  // Rows are whatever the statement selects: the reader names and types them.
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
}

const parseTimestamp = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);

export function createSourcePool(databaseUrl: string, max = 2): SourcePool {
  return new pg.Pool({
    connectionString: databaseUrl,
    max,
    types: { getTypeParser: (oid: number, format?: string) => (oid === 1114 ? parseTimestamp : pg.types.getTypeParser(oid, format as 'text')) } as never,
  });
}
