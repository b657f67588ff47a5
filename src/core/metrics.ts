import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One registry for the process; metric objects are created once and shared so
// that several stages in one process add to the same series (by label).
export const registry = new Registry();
let defaultsOn = false;

export function enableDefaultMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: 'leadwire_' });
}

function once<T>(name: string, make: () => T): T {
  const existing = registry.getSingleMetric(name) as unknown as T | undefined;
  return existing ?? make();
}

export const metrics = {
  recordsIn: once('leadwire_records_in_total', () => new Counter({ name: 'leadwire_records_in_total', help: 'Records consumed by a stage', labelNames: ['stage', 'topic'], registers: [registry] })),
  recordsOut: once('leadwire_records_out_total', () => new Counter({ name: 'leadwire_records_out_total', help: 'Records produced by a stage', labelNames: ['stage', 'topic'], registers: [registry] })),
  dlq: once('leadwire_dlq_total', () => new Counter({ name: 'leadwire_dlq_total', help: 'Records sent to the dead-letter topic', labelNames: ['stage', 'reason'], registers: [registry] })),
  filtered: once('leadwire_filtered_total', () => new Counter({ name: 'leadwire_filtered_total', help: 'Records dropped on purpose (filters, duplicates)', labelNames: ['stage', 'reason'], registers: [registry] })),
  processLatency: once('leadwire_process_seconds', () => new Histogram({ name: 'leadwire_process_seconds', help: 'Time to process one record', labelNames: ['stage'], buckets: [0.0005, 0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 30], registers: [registry] })),
  commits: once('leadwire_commits_total', () => new Counter({ name: 'leadwire_commits_total', help: 'Transactions committed', labelNames: ['stage'], registers: [registry] })),
  inFlight: once('leadwire_in_flight', () => new Gauge({ name: 'leadwire_in_flight', help: 'Records being processed', labelNames: ['stage'], registers: [registry] })),
  lag: once('leadwire_consumer_lag', () => new Gauge({ name: 'leadwire_consumer_lag', help: 'High watermark minus committed offset', labelNames: ['stage', 'topic', 'partition'], registers: [registry] })),
  storeEntries: once('leadwire_store_entries', () => new Gauge({ name: 'leadwire_store_entries', help: 'Entries in a state store', labelNames: ['stage', 'store'], registers: [registry] })),
  timersFired: once('leadwire_timers_fired_total', () => new Counter({ name: 'leadwire_timers_fired_total', help: 'Timers fired', labelNames: ['stage', 'kind'], registers: [registry] })),
  offsetResets: once('leadwire_consumer_offset_resets_total', () => new Counter({ name: 'leadwire_consumer_offset_resets_total', help: 'Partitions whose fetch position fell off the log (OFFSET_OUT_OF_RANGE) and were reset to the beginning: they are read again', labelNames: ['group', 'topic'], registers: [registry] })),
  restoreSeconds: once('leadwire_restore_seconds', () => new Histogram({ name: 'leadwire_restore_seconds', help: 'Store restore time', labelNames: ['stage', 'store'], buckets: [0.01, 0.1, 1, 5, 20, 60], registers: [registry] })),
};
