// PostgreSQL when a database is configured, else the in-process store.
import type { Config } from '../../config/schema.js';
import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { createMemoryAnalyticsStore } from './memory-analytics-store.js';
import { createPgAnalyticsStore } from './pg-analytics-store.js';

export function createAnalyticsStore(database: Config['database']): AnalyticsStore {
  return database.url ? createPgAnalyticsStore({ url: database.url }) : createMemoryAnalyticsStore();
}
