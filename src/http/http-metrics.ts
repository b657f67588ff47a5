import { Gauge, Histogram } from 'prom-client';
import { registry } from '../core/metrics.js';

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as unknown as T | undefined) ?? make();
}

// Route labels are the route patterns (/leads/:id), never raw URLs: ids would explode the series.
export const httpMetrics = {
  requests: once('leadwire_http_request_seconds', () => new Histogram({
    name: 'leadwire_http_request_seconds', help: 'HTTP API request duration', labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2], registers: [registry],
  })),
  sseClients: once('leadwire_http_sse_clients', () => new Gauge({ name: 'leadwire_http_sse_clients', help: 'Open server-sent event streams (boards watching)', registers: [registry] })),
  feedback: once('leadwire_http_feedback_publish_seconds', () => new Histogram({
    name: 'leadwire_http_feedback_publish_seconds', help: 'Time to publish one feedback record', labelNames: ['label', 'outcome'], buckets: [0.001, 0.01, 0.1, 1, 5], registers: [registry],
  })),
  /** Leads per tier in the read model, computed at scrape time (replay-safe, unlike a counter fed by a replaying consumer). */
  leads: once('leadwire_leads', () => new Gauge({
    name: 'leadwire_leads', help: 'Scored conversations per current tier (read model of the API server)', labelNames: ['tier'], registers: [registry],
    // Runs on every scrape.
    async collect() {
      if (!tierCounts) return;
      for (const [tier, n] of Object.entries(await tierCounts())) this.set({ tier }, n);
    },
  })),
};

type TierCounts = () => Promise<Record<string, number>>;
let tierCounts: TierCounts | undefined;

/** The read model whose tiers leadwire_leads reports (the last server created in this process). */
export function reportLeadsPerTier(counts: TierCounts): void {
  tierCounts = counts;
}

