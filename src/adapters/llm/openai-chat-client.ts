// LlmClient over any OpenAI-compatible chat completions endpoint (OpenAI,
// Azure OpenAI, vLLM, Ollama, llama.cpp server) with the openai package. The
// SDK's own retries are off: retry, rate limit, breaker and cache are the
// extractor's injected policies. Errors become LeadwireErrors whose
// `retriable` and `retryAfterMs` the one retry helper reads.
import OpenAI from 'openai';
import { LeadwireError } from '../../core/errors.js';
import type { LlmClient, LlmCompletion, LlmCompletionRequest } from '../../ports/llm-client.js';

export interface OpenAiChatClientOptions {
  /** e.g. http://127.0.0.1:11434/v1; undefined uses the SDK default (api.openai.com). */
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  model: string;
  timeoutMs: number;
  temperature?: number;
  /** json_schema (strict structured output) or json_object for servers without schema support. */
  responseFormat?: 'json_schema' | 'json_object';
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Retry-After as seconds or an HTTP date; retry-after-ms (OpenAI) wins when present. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export function toLeadwireError(err: unknown): LeadwireError {
  if (err instanceof LeadwireError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LeadwireError('LLM request timed out', { kind: 'timeout', cause: err, details: { reason: 'timeout' } });
  if (err instanceof OpenAI.APIUserAbortError) return new LeadwireError('LLM request aborted', { kind: 'timeout', cause: err, details: { reason: 'aborted' } });
  if (err instanceof OpenAI.APIConnectionError) return new LeadwireError(`LLM endpoint unreachable: ${err.message}`, { kind: 'unavailable', cause: err, details: { reason: 'connection' } });
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const after = retryAfterMs(err.headers as Headers | undefined);
    const base = { cause: err, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    if (status === 429) return new LeadwireError(`LLM endpoint rate limited (429)`, { kind: 'rate_limited', ...base, details: { reason: 'http_429', status } });
    if (status === 408) return new LeadwireError('LLM endpoint timed out (408)', { kind: 'timeout', ...base, details: { reason: 'http_408', status } });
    if (status >= 500) return new LeadwireError(`LLM endpoint error ${status}`, { kind: 'unavailable', ...base, details: { reason: 'http_5xx', status } });
    return new LeadwireError(`LLM endpoint refused the request (${status}): ${err.message}`, { kind: 'upstream', retriable: false, cause: err, details: { reason: `http_${status}`, status } });
  }
  return new LeadwireError(`LLM request failed: ${(err as Error)?.message ?? String(err)}`, { kind: 'internal', retriable: false, cause: err });
}

export function createOpenAiChatClient(opts: OpenAiChatClientOptions): LlmClient {
  const sdk = new OpenAI({
    // Local servers (Ollama, vLLM) ignore the key, but the SDK insists on one.
    apiKey: opts.apiKey ?? 'not-needed',
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    maxRetries: 0,
    timeout: opts.timeoutMs,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const format = opts.responseFormat ?? 'json_schema';

  return {
    model: opts.model,
    async complete(req: LlmCompletionRequest): Promise<LlmCompletion> {
      let res: OpenAI.Chat.Completions.ChatCompletion;
      try {
        res = await sdk.chat.completions.create({
          model: opts.model,
          temperature: opts.temperature ?? 0,
          max_completion_tokens: req.maxOutputTokens,
          messages: [
            { role: 'system', content: req.system },
            { role: 'user', content: req.user },
          ],
          response_format: format === 'json_schema'
            ? { type: 'json_schema', json_schema: { name: req.schemaName, strict: true, schema: req.jsonSchema } }
            : { type: 'json_object' },
        });
      } catch (err) {
        throw toLeadwireError(err);
      }
      const choice = res.choices?.[0];
      const msg = choice?.message;
      if (msg?.refusal) throw new LeadwireError(`LLM refused: ${msg.refusal.slice(0, 200)}`, { kind: 'upstream', retriable: false, details: { reason: 'refusal' } });
      if (choice?.finish_reason === 'length') throw new LeadwireError('LLM answer cut at max tokens', { kind: 'upstream', retriable: false, details: { reason: 'truncated' } });
      if (typeof msg?.content !== 'string') throw new LeadwireError('LLM answer has no content', { kind: 'upstream', retriable: false, details: { reason: 'empty' } });
      return {
        content: msg.content,
        usage: res.usage ? { inputTokens: res.usage.prompt_tokens, outputTokens: res.usage.completion_tokens } : null,
        model: res.model ?? opts.model,
      };
    },
  };
}
