// PostgreSQL when a database is configured (ANALYTICS_DATABASE_URL, else DATABASE_URL; tables in
// their own schema), else the in-process store.
import { analyticsDatabaseUrl, type Config } from '../../config/schema.js';
import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { createMemoryAnalyticsStore } from './memory-analytics-store.js';
import { createPgAnalyticsStore } from './pg-analytics-store.js';

export function createAnalyticsStore(database: Config['database']): AnalyticsStore {
  const url = analyticsDatabaseUrl(database);
  return url ? createPgAnalyticsStore({ url, schema: database.schema }) : createMemoryAnalyticsStore();
}
