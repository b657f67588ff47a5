import { createMemoryAnalyticsStore } from '../../../src/adapters/analytics/memory-analytics-store.js';
import { analyticsContract } from '../../contract/analytics-contract.js';

analyticsContract('memory', async () => createMemoryAnalyticsStore());
