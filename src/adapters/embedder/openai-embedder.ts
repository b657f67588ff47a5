// Embeddings from any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM,
// Ollama, llama.cpp server). The SDK's own retries are off: retries, rate
// limits and the circuit breaker are the project's policies, shared with the
// LLM extractor, so the behaviour under failure is the same everywhere.
import OpenAI from 'openai';
import { LeadwireError } from '../../core/errors.js';
import { withRetry, defaultRetryPolicy, type RetryPolicy } from '../../core/retry.js';
import { createCircuitBreaker, type CircuitBreaker } from '../../policies/circuit-breaker.js';
import { createRateLimiter, type RateLimiter } from '../../policies/rate-limiter.js';
import type { Embedder } from '../../ports/embedder.js';
import { assertTexts, normalizeInPlace } from '../../ports/embedder.js';

export interface OpenAiEmbedderOptions {
  baseUrl?: string;
  apiKey?: string;
  model: string;
  /** Sent as `dimensions` when set (text-embedding-3-* and most servers support it). */
  dimensions?: number;
  batchSize: number;
  timeoutMs: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Characters per input the model accepts (8k tokens ≈ 24k chars for text-embedding-3). */
  maxInputChars?: number;
  retry?: RetryPolicy;
  breaker?: CircuitBreaker;
  limiter?: RateLimiter;
  sleep?: (ms: number) => Promise<void>;
}

/** Providers meter tokens; four characters a token is their own rule of thumb. */
const estimateTokens = (texts: string[]) => texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);

function headerMs(headers: unknown, name: string): number | undefined {
  const h = headers as { get?: (k: string) => string | null } | Record<string, string> | undefined;
  const raw = typeof h?.get === 'function' ? h.get(name) : (h as Record<string, string> | undefined)?.[name];
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s)) return name === 'retry-after-ms' ? s : s * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** SDK errors → LeadwireError with `retriable` as data. */
export function toLeadwireError(err: unknown): LeadwireError {
  if (err instanceof LeadwireError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LeadwireError('embeddings request timed out', { kind: 'timeout', cause: err });
  if (err instanceof OpenAI.APIConnectionError) return new LeadwireError(`embeddings endpoint unreachable: ${err.message}`, { kind: 'unavailable', cause: err });
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const retryAfterMs = headerMs(err.headers, 'retry-after-ms') ?? headerMs(err.headers, 'retry-after');
    if (status === 429) return new LeadwireError(`embeddings rate limited: ${err.message}`, { kind: 'rate_limited', retryAfterMs, cause: err, details: { status } });
    if (status === 408 || status >= 500) return new LeadwireError(`embeddings endpoint failed (${status}): ${err.message}`, { kind: 'unavailable', retryAfterMs, cause: err, details: { status } });
    return new LeadwireError(`embeddings request rejected (${status}): ${err.message}`, { kind: 'upstream', retriable: false, cause: err, details: { status } });
  }
  return new LeadwireError(`embeddings call failed: ${(err as Error)?.message ?? String(err)}`, { kind: 'internal', retriable: false, cause: err });
}

export function createOpenAiEmbedder(opts: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? 'unused',
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    maxRetries: 0,
    timeout: opts.timeoutMs,
  });
  const breaker = opts.breaker ?? createCircuitBreaker({ failureThreshold: 5, openMs: 30_000 });
  // 0 means "no limit": a bucket so large it never empties.
  const limiter = opts.limiter ?? createRateLimiter({
    requestsPerMinute: opts.requestsPerMinute || Number.MAX_SAFE_INTEGER,
    tokensPerMinute: opts.tokensPerMinute || Number.MAX_SAFE_INTEGER,
  });
  const retry = opts.retry ?? defaultRetryPolicy;
  let dimensions = opts.dimensions;

  async function call(batch: string[]): Promise<number[][]> {
    const res = await client.embeddings.create({
      model: opts.model,
      input: batch,
      encoding_format: 'float',
      ...(opts.dimensions ? { dimensions: opts.dimensions } : {}),
    }).catch((err: unknown) => { throw toLeadwireError(err); });
    const data = Array.isArray(res?.data) ? res.data : null;
    if (!data || data.length !== batch.length) {
      throw new LeadwireError(`embeddings endpoint returned ${data?.length ?? 'no'} vectors for ${batch.length} inputs`, { kind: 'upstream', retriable: false });
    }
    const out = new Array<number[]>(batch.length);
    for (const d of data) {
      const i = d.index;
      if (!Number.isInteger(i) || i < 0 || i >= batch.length || out[i] || !Array.isArray(d.embedding)) {
        throw new LeadwireError('embeddings endpoint returned a malformed item', { kind: 'upstream', retriable: false, details: { index: i } });
      }
      if (dimensions === undefined) dimensions = d.embedding.length;
      if (d.embedding.length !== dimensions) {
        throw new LeadwireError(`embedding has ${d.embedding.length} dimensions, expected ${dimensions}`, { kind: 'upstream', retriable: false });
      }
      out[i] = normalizeInPlace(d.embedding.slice()) as number[];
    }
    return out;
  }

  return {
    id: `openai:${opts.model}${opts.dimensions ? `:d${opts.dimensions}` : ''}`,
    get dimensions() { return dimensions; },
    maxInputChars: opts.maxInputChars ?? 24_000,
    async embed(texts) {
      assertTexts(texts);
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += opts.batchSize) {
        const batch = texts.slice(i, i + opts.batchSize);
        const tokens = estimateTokens(batch);
        const vectors = await withRetry(
          () => breaker.run(async () => { await limiter.acquire(tokens); return call(batch); }),
          retry,
          opts.sleep ? { sleep: opts.sleep } : {},
        );
        out.push(...vectors);
      }
      return out;
    },
  };
}
