// The LLM extractor through the real openai adapter against the fake OpenAI
// server (a test double): structured output, grounding, retries, breaker,
// cache, token budget.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeadwireError } from '../../../src/core/errors.js';
import { createMemoryResultCache } from '../../../src/policies/memory-result-cache.js';
import { loadTokenCounter } from '../../../src/processors/extract/llm/token-counter.js';
import { emptyAnswer, startFakeOpenAiServer, type FakeOpenAiServer } from '../../helpers/fake-openai-server.js';
import { catalog, makeExtractor, rulesOf, snapshotOf, type Msg } from './harness.js';

let server: FakeOpenAiServer;
beforeAll(async () => { server = await startFakeOpenAiServer(); });
afterAll(async () => { await server.close(); });
beforeEach(() => server.reset());

const hot: Msg[] = [
  { role: 'customer', body: 'Hola, tengo una panadería y necesito una cotización para 500 unidades' },
  { role: 'agent', body: 'Con gusto, ¿para cuándo?' },
  { role: 'customer', body: 'Para la próxima semana, pagamos por transferencia' },
];

describe('LLM extractor against the fake OpenAI server', () => {
  it('sends strict structured output with the catalog signals and merges grounded fields', async () => {
    const s = snapshotOf('100', hot);
    const ids = s.transcript.map((e) => e.id);
    server.setModel(() => ({
      ...emptyAnswer(),
      intent: { level: 'high', confidence: 0.9, messageIds: ['m1', 'm3'] },
      need: { value: 'pan para la panadería', confidence: 0.8, messageIds: ['m1'] },
      budget: { amount: 12_500_000, currency: 'cop', confidence: 0.5, messageIds: ['m3'] },
      timeline: { value: 'próxima semana', confidence: 0.9, messageIds: ['m3'] },
      competitors: { values: ['Otra Marca'], confidence: 0.5, messageIds: ['m9'] },
      summary: 'Panadería pide cotización de 500 unidades para la próxima semana.',
      tierSuggestion: { tier: 'qualified', confidence: 0.9, messageIds: ['m1', 'm3'] },
      signals: [
        { id: 'timeline', confidence: 0.8, evidence: [{ messageId: 'm3', quote: 'Para la próxima semana' }] },
        { id: 'asks_demo', confidence: 0.9, evidence: [{ messageId: 'm1', quote: 'quiero ver un video' }] },
        { id: 'asks_quote', confidence: 0.9, evidence: [{ messageId: 'm2', quote: 'Con gusto' }] },
      ],
    }));
    const x = makeExtractor(server);
    const out = await x.extract(s, rulesOf(s), { catalog });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.body.model).toBe('fake-model');
    expect(req.body.response_format.type).toBe('json_schema');
    expect(req.body.response_format.json_schema.strict).toBe(true);
    expect(req.body.response_format.json_schema.schema.additionalProperties).toBe(false);
    expect(new Set(req.body.response_format.json_schema.schema.properties.signals.items.properties.id.enum)).toEqual(new Set(catalog.signals.map((c) => c.id)));
    expect(req.data!.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);

    const llm = out.llm!;
    expect(llm.model).toBe('fake-model');
    expect(llm.promptVersion).toBe('extract.v2');
    expect(llm.intent).toEqual({ value: 'high', confidence: 0.9, messageIds: [ids[0], ids[2]] });
    expect(llm.budget).toMatchObject({ amount: 12_500_000, currency: 'COP', messageIds: [ids[2]] });
    expect(llm.timeline.value).toBe('próxima semana');
    // Supported only by an id that was not in the data: dropped.
    expect(llm.competitors).toEqual({ value: [], confidence: 0, messageIds: [] });
    expect(llm.tierSuggestion).toMatchObject({ tier: 'qualified', messageIds: [ids[0], ids[2]] });
    // Verbatim customer quote kept; a quote not in the message and a quote from the agent dropped.
    expect(llm.dropped).toMatchObject({ quotes: 1, messageIds: 2 });
    const timeline = out.signals.find((x) => x.id === 'timeline');
    expect(timeline?.evidence).toContainEqual({ messageId: ids[2], quote: 'Para la próxima semana' });
    expect(out.signals.some((x) => x.id === 'asks_demo')).toBe(false);
    expect(out.signals.find((x) => x.id === 'asks_quote')?.source).toBe('rules');
    for (const sig of out.signals) for (const ev of sig.evidence) expect(s.transcript.find((e) => e.id === ev.messageId)!.body).toContain(ev.quote);
  });

  it('the same data twice is one call: the second answer comes from the cache', async () => {
    const cache = createMemoryResultCache();
    const s = snapshotOf('101', hot);
    await makeExtractor(server, {}, { cache }).extract(s, rulesOf(s), { catalog });
    // A fresh extractor (a restart) with the same cache: no request, cached answer.
    const out = await makeExtractor(server, {}, { cache }).extract(s, rulesOf(s), { catalog, force: true });
    expect(server.requests).toHaveLength(1);
    expect(out.llm?.cached).toBe(true);
  });

  it('the gate reuses the last answer when nothing substantive was added', async () => {
    const x = makeExtractor(server, { gate: true });
    const s1 = snapshotOf('102', hot);
    await x.extract(s1, rulesOf(s1), { catalog, force: true });
    const s2 = snapshotOf('102', [...hot, { role: 'customer', body: 'gracias 👍' }]);
    const out = await x.extract(s2, rulesOf(s2), { catalog });
    expect(server.requests).toHaveLength(1);
    expect(out.llm?.reused).toBe(true);
    expect(out.llm?.basedOn.contentHash).toBe(s1.contentHash);
  });

  it('retries a 429 after its Retry-After, and a 500, then succeeds', async () => {
    server.failNext({ kind: 'status', status: 429, retryAfterS: 1 }, { kind: 'status', status: 500 });
    // withRetry caps a Retry-After at 6 × the max backoff: give it room for 1 s.
    const x = makeExtractor(server, { retryMaxDelayMs: 1_000 });
    const s = snapshotOf('103', hot);
    const out = await x.extract(s, rulesOf(s), { catalog });
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(3);
    expect(out.llm).toBeTruthy();
  });

  it('a timeout is retried; when every attempt times out the error is a retriable timeout', async () => {
    server.failNext({ kind: 'timeout' });
    const x = makeExtractor(server, { timeoutMs: 300 });
    const s = snapshotOf('104', hot);
    await expect(x.extract(s, rulesOf(s), { catalog })).resolves.toMatchObject({ llm: { model: 'fake-model' } });
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.failAlways({ kind: 'timeout' });
    const err = await makeExtractor(server, { timeoutMs: 200, retries: 1 }).extract(snapshotOf('105', hot), rulesOf(snapshotOf('105', hot)), { catalog }).catch((e) => e);
    expect(err).toBeInstanceOf(LeadwireError);
    expect(err.kind).toBe('timeout');
    expect(server.requests).toHaveLength(2);
  });

  it('invalid JSON and schema-breaking JSON fail without retrying (the processor degrades)', async () => {
    for (const kind of ['invalid_json', 'schema_violation'] as const) {
      server.reset();
      server.failNext({ kind });
      const s = snapshotOf(`106-${kind}`, hot);
      const err = await makeExtractor(server).extract(s, rulesOf(s), { catalog }).catch((e) => e);
      expect(err).toBeInstanceOf(LeadwireError);
      expect(err.details.reason).toBe(kind);
      expect(server.requests).toHaveLength(1);
    }
  });

  it('a 400 is not retried', async () => {
    server.failNext({ kind: 'status', status: 400 });
    const s = snapshotOf('107', hot);
    const err = await makeExtractor(server).extract(s, rulesOf(s), { catalog }).catch((e) => e);
    expect(err.kind).toBe('upstream');
    expect(server.requests).toHaveLength(1);
  });

  it('the circuit breaker opens after consecutive failures and then fails fast without requests', async () => {
    server.failAlways({ kind: 'status', status: 503 });
    const x = makeExtractor(server, { retries: 0, breakerFailureThreshold: 3 });
    for (let i = 0; i < 3; i++) {
      const s = snapshotOf(`108-${i}`, hot);
      await expect(x.extract(s, rulesOf(s), { catalog })).rejects.toThrow(/503/);
    }
    expect(server.requests).toHaveLength(3);
    const s = snapshotOf('108-x', hot);
    const err = await x.extract(s, rulesOf(s), { catalog }).catch((e) => e);
    expect(err.details.reason).toBe('circuit_open');
    expect(server.requests).toHaveLength(3);
  });

  it('keeps a long conversation within the token budget: newest messages plus a rolling summary', async () => {
    const long: Msg[] = [];
    for (let i = 0; i < 50; i++) {
      long.push({ role: 'customer', body: `Mensaje ${i}: quisiera saber más sobre los tiempos de entrega, el precio por mayor y las formas de pago disponibles para mi negocio en Cali` });
      long.push({ role: 'agent', body: `Respuesta ${i}: con gusto le cuento todos los detalles sobre precios, envíos y formas de pago` });
    }
    const budget = 2_500;
    const x = makeExtractor(server, { maxInputTokens: budget });
    const s1 = snapshotOf('109', long, { stepMs: 5_000 });
    const out1 = await x.extract(s1, rulesOf(s1), { catalog, force: true });
    const tokens = await loadTokenCounter('o200k_base');
    const req1 = server.requests[0]!;
    expect(tokens.count(req1.system) + tokens.count(req1.user)).toBeLessThanOrEqual(budget);
    const data = req1.data!;
    expect(data[0]!.id).toBe('s0');
    expect(data[0]!.role).toBe('summary');
    expect(data[0]!.text).toMatch(/^Earlier in this conversation/); // no LLM summary yet: the rules-made one
    expect(data.at(-1)!.text).toContain('Respuesta 49');
    expect(out1.llm!.basedOn.trimmedMessages).toBeGreaterThan(0);

    // Next call: the previous LLM summary rolls in.
    const s2 = snapshotOf('109', [...long, { role: 'customer', body: 'Listo, quiero hacer el pedido de 300 unidades' }], { stepMs: 5_000 });
    await x.extract(s2, rulesOf(s2), { catalog });
    const data2 = server.requests[1]!.data!;
    expect(data2[0]!.text).toBe(out1.llm!.summary);
    expect(data2.at(-1)!.text).toContain('300 unidades');
  });

  it('a model that suggests a tier without supporting customer messages moves nothing', async () => {
    server.setModel(() => ({ ...emptyAnswer(), tierSuggestion: { tier: 'qualified', confidence: 1, messageIds: [] }, intent: { level: 'high', confidence: 1, messageIds: ['m77'] } }));
    const s = snapshotOf('110', [{ role: 'customer', body: 'Hola, una pregunta sobre el catálogo' }]);
    const rules = rulesOf(s);
    const out = await makeExtractor(server).extract(s, rules, { catalog });
    expect(out.tier).toBe(rules.tier);
    expect(out.llm!.tierSuggestion).toBeNull();
    expect(out.llm!.intent.value).toBe('none');
  });
});
