// The AnalyticsStore contract against PostgreSQL (the stack's DATABASE_URL):
// each store gets its own schema, so runs never see each other's rows.
import { afterAll } from 'vitest';
import pg from 'pg';
import { createPgAnalyticsStore } from '../../src/adapters/analytics/pg-analytics-store.js';
import { analyticsContract } from '../contract/analytics-contract.js';
import { env, uniqueId } from '../helpers/kafka-kit.js';

const schemas: string[] = [];
const admin = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });

export async function isolatedPool(): Promise<pg.Pool> {
  const schema = uniqueId('analytics').replace(/-/g, '_');
  await admin.query(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  return new pg.Pool({ connectionString: env.databaseUrl, max: 3, options: `-c search_path=${schema}` });
}

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

analyticsContract('postgresql', async () => {
  const pool = await isolatedPool();
  const store = createPgAnalyticsStore({ pool });
  await store.init();
  const close = store.close.bind(store);
  return { ...store, close: async () => { await close(); await pool.end(); } };
});
