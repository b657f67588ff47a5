// The composition root of the LLM path: config → client adapter, policies and
// extractor. Undefined when no model is configured (rules only).
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { createOpenAiChatClient } from '../adapters/llm/openai-chat-client.js';
import { createCircuitBreaker } from '../policies/circuit-breaker.js';
import { createMemoryResultCache } from '../policies/memory-result-cache.js';
import { createPgResultCache } from '../adapters/pg/pg-result-cache.js';
import { createRateLimiter } from '../policies/rate-limiter.js';
import type { ResultCache } from '../ports/result-cache.js';
import type { LlmExtractor } from '../processors/extract/extract-processor.js';
import { loadPromptTemplate } from '../processors/extract/llm/build-prompt.js';
import type { LlmClient } from '../ports/llm-client.js';
import { createPromMetrics } from '../runtime/prom-metrics.js';
import type { StageMetrics } from '../stream/stage-metrics.js';
import { createLlmExtractor } from '../processors/extract/llm/llm-extractor.js';

export interface BuildLlmExtractorDeps {
  logger: Logger;
  /** PostgreSQL for the durable result cache (cache auto/postgres). */
  databaseUrl?: string | undefined;
  /** Schema of the cache table in that database (default `leadwire`). */
  databaseSchema?: string | undefined;
  clock?: { now(): number };
  /** Overrides for tests and benchmarks. */
  client?: LlmClient;
  cache?: ResultCache;
  metrics?: StageMetrics;
}

export function buildLlmExtractor(cfg: Config['llm'], deps: BuildLlmExtractorDeps): LlmExtractor | undefined {
  if (!cfg.model) return undefined;
  const clock = deps.clock ?? { now: () => Date.now() };
  const log = deps.logger.child({ module: 'llm' });
  const template = loadPromptTemplate(cfg.promptVersion);
  const client = deps.client ?? createOpenAiChatClient({
    baseUrl: cfg.baseUrl, apiKey: cfg.apiKey, model: cfg.model, timeoutMs: cfg.timeoutMs,
    temperature: cfg.temperature, responseFormat: cfg.responseFormat,
  });
  const usePg = cfg.cache === 'postgres' || (cfg.cache === 'auto' && !!deps.databaseUrl);
  const cache = deps.cache ?? (usePg
    ? createPgResultCache({ databaseUrl: deps.databaseUrl!, ...(deps.databaseSchema ? { schema: deps.databaseSchema } : {}) })
    : createMemoryResultCache({ maxEntries: cfg.cacheMaxEntries }));
  const breaker = createCircuitBreaker({
    failureThreshold: cfg.breakerFailureThreshold, openMs: cfg.breakerOpenMs, now: clock.now,
    onStateChange: (to, from) => log.warn({ from, to }, `LLM circuit breaker ${to}`),
  });
  log.info({ model: cfg.model, baseUrl: cfg.baseUrl ?? 'api.openai.com', prompt: template.version, cache: cache.kind, gate: cfg.gate }, 'LLM extractor configured');
  if (!cfg.prices[cfg.model]) log.warn({ model: cfg.model }, 'no price for this model in LLM_PRICES: the cost metric stays 0');
  return createLlmExtractor({
    client, cache, breaker,
    metrics: deps.metrics ?? createPromMetrics(),
    limiter: createRateLimiter({ requestsPerMinute: cfg.requestsPerMinute, tokensPerMinute: cfg.tokensPerMinute }),
    retry: { retries: cfg.retries, initialDelayMs: cfg.retryInitialDelayMs, maxDelayMs: cfg.retryMaxDelayMs, jitter: 1 },
    gate: { enabled: cfg.gate, nearThresholdMargin: cfg.gateNearMargin, minNewMessages: cfg.gateMinNewMessages },
    template,
    tokenEncoding: cfg.tokenizer,
    maxInputTokens: cfg.maxInputTokens,
    maxOutputTokens: cfg.maxOutputTokens,
    prices: cfg.prices,
    logger: deps.logger,
    clock,
    settleMs: cfg.settleMs,
    reextract: { initialDelayMs: cfg.reextractDelayMs, maxDelayMs: cfg.reextractMaxDelayMs, maxAttempts: cfg.reextractMaxAttempts },
  });
}
