// The LLM extractor: for one snapshot, decide whether a call is worth it
// (llm-gate), build the prompt within the token budget, look the answer up in
// the result cache, otherwise call the endpoint through the injected
// policies (breaker ⟶ retry ⟶ rate limiter ⟶ client), validate the answer
// with the same zod schema the request carried, ground it in the transcript
// and merge it into the rules result. Throws when the endpoint fails: the
// processor then ships the rules result marked degraded and re-extracts later.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { configError, errorMessage, LeadwireError } from '../../../core/errors.js';
import { withRetry, type RetryDeps, type RetryPolicy } from '../../../core/retry.js';
import type { CircuitBreaker } from '../../../policies/circuit-breaker.js';
import { decideLlmCall, type GateConfig, type GateMemory } from './llm-gate.js';
import type { RateLimiter } from '../../../policies/rate-limiter.js';
import type { ResultCache } from '../../../ports/result-cache.js';
import type { ConversationSnapshot, TranscriptEntry } from '../../../records/conversation-snapshot.js';
import type { SignalCatalog } from '../catalog.js';
import type { LlmExtractOptions, LlmExtractor, ReextractPolicy } from '../extract-processor.js';
import type { LlmInsights, SignalsResult } from '../../../records/signals-record.js';
import { buildPrompt, type BuiltPrompt, type PromptTemplate } from './build-prompt.js';
import { buildExtractV1Schema, extractV1JsonSchema, type ExtractV1Answer, type ExtractV1Schema } from './extract-v1.schema.js';
import { groundAnswer, regroundAgainst, type Grounded } from './ground-answer.js';
import type { LlmClient } from '../../../ports/llm-client.js';
import { llmMetrics } from './llm-metrics.js';
import type { StageMetrics } from '../../../stream/stage-metrics.js';
import { mergeLlm } from './merge-llm.js';
import { loadTokenCounter, type TokenEncoding } from './token-counter.js';

/** USD per million tokens. */
export type PriceTable = Record<string, { inputPer1M: number; outputPer1M: number }>;

export interface LlmExtractorDeps {
  /** Where the LLM path's series go (calls, tokens, cost, cache, latency, gate). */
  metrics: StageMetrics;
  client: LlmClient;
  cache: ResultCache;
  limiter: RateLimiter;
  breaker: CircuitBreaker;
  retry: RetryPolicy;
  retryDeps?: RetryDeps;
  gate: GateConfig;
  template: PromptTemplate;
  tokenEncoding: TokenEncoding;
  maxInputTokens: number;
  maxOutputTokens: number;
  prices: PriceTable;
  logger: Logger;
  clock: { now(): number };
  reextract?: ReextractPolicy;
  /** Quiet time before a deferred call (see LlmExtractor.settleMs). */
  settleMs?: number;
  /** Conversations whose last call is remembered in memory (the cache backs the rest). */
  memoryEntries?: number;
}

/** What the extractor remembers of a conversation's last call (also stored with the cached answer). */
export interface LlmMemory {
  gate: GateMemory;
  grounded: Grounded;
  basedOn: LlmInsights['basedOn'];
}

export interface CachedAnswer { answer: ExtractV1Answer; memory: LlmMemory }

interface SchemaBundle { schema: ExtractV1Schema; jsonSchema: Record<string, unknown>; cacheVersion: string }

function failureKind(err: unknown): string {
  if (err instanceof LeadwireError) return String(err.details?.reason ?? err.kind);
  return 'internal';
}

export function createLlmExtractor(deps: LlmExtractorDeps): LlmExtractor {
  const { client, cache, template, logger, metrics } = deps;
  const model = client.model;
  const log = logger.child({ module: 'llm-extractor', model, prompt: template.version });
  const schemas = new Map<string, SchemaBundle>();
  const memory = new Map<string, LlmMemory>();
  const maxMemory = deps.memoryEntries ?? 50_000;

  function schemaFor(catalog: SignalCatalog): SchemaBundle {
    let b = schemas.get(catalog.version);
    if (!b) {
      const schema = buildExtractV1Schema(catalog.signals.map((s) => s.id));
      // The cache version covers the prompt file and the answer schema: editing either misses the cache.
      b = { schema, jsonSchema: extractV1JsonSchema(schema), cacheVersion: `${template.version}@${template.digest}` };
      schemas.set(catalog.version, b);
    }
    return b;
  }

  function remember(conversationId: string, m: LlmMemory) {
    memory.delete(conversationId);
    memory.set(conversationId, m);
    if (memory.size > maxMemory) memory.delete(memory.keys().next().value as string);
  }

  async function recall(conversationId: string, cacheVersion: string): Promise<LlmMemory | undefined> {
    const m = memory.get(conversationId);
    if (m) return m;
    try {
      return (await cache.latest<CachedAnswer>(conversationId, cacheVersion, model))?.value.memory;
    } catch (err) {
      metrics.count(llmMetrics.cache, { model, result: 'error' });
      log.warn({ err: errorMessage(err), conversationId }, 'result cache unavailable; deciding without the last call');
      return undefined;
    }
  }

  async function callModel(prompt: BuiltPrompt, bundle: SchemaBundle, countOut: (s: string) => number): Promise<ExtractV1Answer> {
    const request = { system: prompt.system, user: prompt.user, schemaName: 'lead_signals', jsonSchema: bundle.jsonSchema, maxOutputTokens: deps.maxOutputTokens };
    const price = deps.prices[model];
    const attempt = async (): Promise<ExtractV1Answer> => {
      await deps.limiter.acquire(prompt.inputTokens + deps.maxOutputTokens);
      const t0 = performance.now();
      let res;
      try {
        res = await client.complete(request);
      } catch (err) {
        metrics.observe(llmMetrics.latency, (performance.now() - t0) / 1000, { model });
        metrics.count(llmMetrics.calls, { model, outcome: failureKind(err) });
        throw err;
      }
      metrics.observe(llmMetrics.latency, (performance.now() - t0) / 1000, { model });
      const tokIn = res.usage?.inputTokens ?? prompt.inputTokens;
      const tokOut = res.usage?.outputTokens ?? countOut(res.content);
      metrics.count(llmMetrics.tokens, { model, direction: 'in' }, tokIn);
      metrics.count(llmMetrics.tokens, { model, direction: 'out' }, tokOut);
      if (price) metrics.count(llmMetrics.cost, { model }, (tokIn * price.inputPer1M + tokOut * price.outputPer1M) / 1e6);
      let json: unknown;
      try { json = JSON.parse(res.content); } catch {
        metrics.count(llmMetrics.calls, { model, outcome: 'invalid_json' });
        throw new LeadwireError('LLM answer is not valid JSON', { kind: 'upstream', retriable: false, details: { reason: 'invalid_json', chars: res.content.length } });
      }
      const parsed = bundle.schema.safeParse(json);
      if (!parsed.success) {
        metrics.count(llmMetrics.calls, { model, outcome: 'schema_violation' });
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
        throw new LeadwireError(`LLM answer does not match the ${template.version} schema: ${issues.join('; ')}`, { kind: 'validation', retriable: false, details: { reason: 'schema_violation', issues } });
      }
      metrics.count(llmMetrics.calls, { model, outcome: 'ok' });
      return parsed.data;
    };
    try {
      return await deps.breaker.run(() => withRetry(attempt, deps.retry, {
        ...deps.retryDeps,
        onRetry: (info) => {
          log.debug({ attempt: info.attempt, delayMs: Math.round(info.delayMs), err: errorMessage(info.error) }, 'retrying LLM call');
          deps.retryDeps?.onRetry?.(info);
        },
      }));
    } catch (err) {
      metrics.count(llmMetrics.failures, { model, kind: failureKind(err) });
      throw err;
    }
  }

  return {
    model,
    promptVersion: template.version,
    ...(deps.reextract ? { reextract: deps.reextract } : {}),
    ...(deps.settleMs !== undefined ? { settleMs: deps.settleMs } : {}),

    async extract(snapshot: ConversationSnapshot, rules: SignalsResult, opts: LlmExtractOptions = {}): Promise<SignalsResult> {
      const catalog = opts.catalog;
      if (!catalog) throw configError('the LLM extractor needs the signal catalog (the extract processor passes it)');
      const bundle = schemaFor(catalog);
      const conversationId = snapshot.conversationId;
      const previous = await recall(conversationId, bundle.cacheVersion);
      const decision = decideLlmCall({ snapshot, rules, thresholds: catalog.tiers, previous: previous?.gate, force: opts.force ?? false, settle: opts.settle ?? false }, deps.gate);
      metrics.count(llmMetrics.gate, { decision: decision.call ? 'call' : decision.defer ? 'defer' : 'skip', reason: decision.reason });

      if (!decision.call) {
        const out: SignalsResult = previous
          ? mergeLlm(rules, regroundAgainst(previous.grounded, snapshot.transcript), catalog, { model, promptVersion: template.version, basedOn: previous.basedOn, reused: true, cached: false })
          : { ...rules, llm: null };
        return decision.defer ? { ...out, deferLlm: true } : out;
      }

      const tokens = await loadTokenCounter(deps.tokenEncoding);
      const prompt = buildPrompt({
        template, catalog, snapshot, rules, tokens, maxInputTokens: deps.maxInputTokens,
        previousSummary: previous?.grounded.fields.summary,
      });
      if (prompt.redactions > 0) {
        metrics.count(llmMetrics.redactions, {}, prompt.redactions);
        log.warn({ conversationId, redactions: prompt.redactions }, 'PII reached the LLM extractor unredacted; the guard redacted it');
      }
      const key = { contentHash: prompt.dataHash, promptVersion: bundle.cacheVersion, model };
      let answer: ExtractV1Answer | undefined;
      try {
        answer = (await cache.get<CachedAnswer>(key))?.value.answer;
        metrics.count(llmMetrics.cache, { model, result: answer ? 'hit' : 'miss' });
      } catch (err) {
        metrics.count(llmMetrics.cache, { model, result: 'error' });
        log.warn({ err: errorMessage(err), conversationId }, 'result cache unavailable; calling the LLM');
      }
      const cached = answer !== undefined;
      answer ??= await callModel(prompt, bundle, tokens.count);

      const flagged = new Set<TranscriptEntry>([...prompt.flagged].map((a) => prompt.aliases.get(a)!));
      const grounded = groundAnswer(answer, { resolve: (ref) => prompt.aliases.get(ref), isFlagged: (e) => flagged.has(e) }, catalog);
      const d = grounded.fields.dropped;
      if (d.messageIds) metrics.count(llmMetrics.dropped, { model, what: 'message_ids' }, d.messageIds);
      if (d.quotes) metrics.count(llmMetrics.dropped, { model, what: 'quotes' }, d.quotes);
      if (d.claims) metrics.count(llmMetrics.dropped, { model, what: 'claims' }, d.claims);

      const basedOn = { contentHash: snapshot.contentHash, lastCustomerMessageId: prompt.lastCustomerMessageId, trimmedMessages: prompt.trimmedMessages };
      const result = mergeLlm(rules, grounded, catalog, { model, promptVersion: template.version, basedOn, reused: false, cached });
      const mem: LlmMemory = {
        gate: { coveredCustomerIds: decision.substantiveIds, rulesSignalIds: rules.signals.map((s) => s.id), tier: result.tier },
        grounded,
        basedOn,
      };
      remember(conversationId, mem);
      try {
        await cache.put<CachedAnswer>(key, { conversationId, value: { answer, memory: mem }, createdAt: deps.clock.now() });
      } catch (err) {
        log.warn({ err: errorMessage(err), conversationId }, 'could not store the LLM answer in the result cache');
      }
      return result;
    },
  };
}
