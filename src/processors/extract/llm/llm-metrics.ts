// The series of the LLM path, declared as data and reported through the
// StageMetrics the composition root hands the extractor.
import { counterSpec, histogramSpec } from '../../../stream/stage-metrics.js';

export const llmMetrics = {
  calls: counterSpec('leadwire_llm_calls_total', 'LLM requests sent (each retry counts), by outcome', ['model', 'outcome']),
  tokens: counterSpec('leadwire_llm_tokens_total', 'LLM tokens, direction in (prompt) or out (completion)', ['model', 'direction']),
  cost: counterSpec('leadwire_llm_cost_usd_total', 'Estimated LLM cost in USD from the configured price table', ['model']),
  cache: counterSpec('leadwire_llm_cache_total', 'LLM result cache lookups: hit, miss or error', ['model', 'result']),
  latency: histogramSpec('leadwire_llm_latency_seconds', 'Latency of one LLM request', ['model'], [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]),
  failures: counterSpec('leadwire_llm_failures_total', 'LLM extractions that failed (after retries), by kind', ['model', 'kind']),
  gate: counterSpec('leadwire_llm_gate_total', 'Call-gate decisions per snapshot', ['decision', 'reason']),
  dropped: counterSpec('leadwire_llm_dropped_total', 'Parts of LLM answers dropped by grounding (message ids, quotes, claims)', ['model', 'what']),
  redactions: counterSpec('leadwire_llm_guard_redactions_total', 'PII the last-line guard redacted before a request (should stay 0)'),
};
