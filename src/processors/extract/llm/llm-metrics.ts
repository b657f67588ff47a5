// Prometheus series of the LLM path, on the process registry (core/metrics.ts).
import { Counter, Histogram } from 'prom-client';
import { registry } from '../../../core/metrics.js';

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as unknown as T | undefined) ?? make();
}

export const llmMetrics = {
  calls: once('leadwire_llm_calls_total', () => new Counter({ name: 'leadwire_llm_calls_total', help: 'LLM requests sent (each retry counts), by outcome', labelNames: ['model', 'outcome'], registers: [registry] })),
  tokens: once('leadwire_llm_tokens_total', () => new Counter({ name: 'leadwire_llm_tokens_total', help: 'LLM tokens, direction in (prompt) or out (completion)', labelNames: ['model', 'direction'], registers: [registry] })),
  cost: once('leadwire_llm_cost_usd_total', () => new Counter({ name: 'leadwire_llm_cost_usd_total', help: 'Estimated LLM cost in USD from the configured price table', labelNames: ['model'], registers: [registry] })),
  cache: once('leadwire_llm_cache_total', () => new Counter({ name: 'leadwire_llm_cache_total', help: 'LLM result cache lookups: hit, miss or error', labelNames: ['model', 'result'], registers: [registry] })),
  latency: once('leadwire_llm_latency_seconds', () => new Histogram({ name: 'leadwire_llm_latency_seconds', help: 'Latency of one LLM request', labelNames: ['model'], buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60], registers: [registry] })),
  failures: once('leadwire_llm_failures_total', () => new Counter({ name: 'leadwire_llm_failures_total', help: 'LLM extractions that failed (after retries), by kind', labelNames: ['model', 'kind'], registers: [registry] })),
  gate: once('leadwire_llm_gate_total', () => new Counter({ name: 'leadwire_llm_gate_total', help: 'Call-gate decisions per snapshot', labelNames: ['decision', 'reason'], registers: [registry] })),
  dropped: once('leadwire_llm_dropped_total', () => new Counter({ name: 'leadwire_llm_dropped_total', help: 'Parts of LLM answers dropped by grounding (message ids, quotes, claims)', labelNames: ['model', 'what'], registers: [registry] })),
  redactions: once('leadwire_llm_guard_redactions_total', () => new Counter({ name: 'leadwire_llm_guard_redactions_total', help: 'PII the last-line guard redacted before a request (should stay 0)', registers: [registry] })),
};
