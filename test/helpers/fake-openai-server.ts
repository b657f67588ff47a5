// TEST DOUBLE: a local HTTP server that answers POST /v1/chat/completions the
// way the OpenAI API does (structured output), so the LLM path can be tested
// and benchmarked without a real model. It is not a model: the default
// "model" below is a keyword heuristic, and tests plug in their own.
// It also answers POST /v1/embeddings: vectors from the project's hashing
// embedder (deterministic, `dimensions` honoured), an input over 8,192
// tokens refused with 400 as the API refuses it.
// It records every request it received, and can be told to fail: HTTP 429
// (with Retry-After), 500, a timeout (never answers), invalid JSON, or JSON
// that breaks the requested schema. Listens on 127.0.0.1, port 0.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLocalEmbedder } from '../../src/adapters/embedder/local-embedder.js';
import { loadTokenCounter } from '../../src/processors/extract/llm/token-counter.js';

/** text-embedding-3-*: the longest input the API takes. */
export const EMBEDDING_MAX_TOKENS = 8192;

export interface DataMessage { id: string; role: string; text: string }

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (model, messages, response_format, ...). */
  body: any;
  system: string;
  user: string;
  /** The messages inside the data block of the user message, or null when there is none. */
  data: DataMessage[] | null;
  receivedAt: number;
}

export type FakeFailure =
  | { kind: 'status'; status: number; retryAfterS?: number; message?: string }
  | { kind: 'timeout' }
  | { kind: 'invalid_json' }
  | { kind: 'schema_violation' };

/** Given a request, returns the answer object (serialised as the message content). */
export type FakeModel = (req: RecordedRequest) => unknown;

export interface FakeOpenAiServer {
  /** Base URL with /v1, for LLM_BASE_URL / the openai client. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Queue failures for the next requests, one each, in order. */
  failNext(...failures: FakeFailure[]): void;
  /** Fail every request this way until called with null. */
  failAlways(failure: FakeFailure | null): void;
  setModel(model: FakeModel): void;
  /** Delay before each answer. */
  setLatency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

const OPEN = '<<<CONVERSATION_DATA';
const CLOSE = 'CONVERSATION_DATA>>>';

/** The JSON array between the data delimiters of a user message. */
export function parseDataBlock(user: string): DataMessage[] | null {
  const a = user.indexOf(OPEN);
  const b = user.lastIndexOf(CLOSE);
  if (a < 0 || b < a) return null;
  try { return JSON.parse(user.slice(a + OPEN.length, b)) as DataMessage[]; } catch { return null; }
}

/** Signal ids the request's response schema allows. */
export function schemaSignalIds(req: RecordedRequest): string[] {
  return req.body?.response_format?.json_schema?.schema?.properties?.signals?.items?.properties?.id?.enum ?? [];
}

const field = (value: unknown = null) => ({ value, confidence: 0, messageIds: [] as string[] });

/** An answer that claims nothing: every field empty. */
export function emptyAnswer(): Record<string, any> {
  return {
    intent: { level: 'none', confidence: 0, messageIds: [] },
    need: field(), budget: { amount: null, currency: null, confidence: 0, messageIds: [] },
    authority: field('unknown'), timeline: field(), companySize: field(),
    competitors: { values: [], confidence: 0, messageIds: [] }, objections: { values: [], confidence: 0, messageIds: [] },
    nextStep: field(), summary: '', tierSuggestion: { tier: 'unqualified', confidence: 0, messageIds: [] }, signals: [],
  };
}

const KEYWORDS: Array<[string, RegExp]> = [
  ['asks_quote', /cotizaci[oó]n|cotizar|quote/i],
  ['asks_price', /precio|price|cu[aá]nto (?:cuesta|vale|sale)|how much/i],
  ['asks_demo', /video|demo/i],
  ['asks_call', /llamar|llamada|call/i],
  ['payment_method', /transferencia|tarjeta|pago|payment/i],
];

/** Default fake model: keyword heuristics with verbatim quotes, like a cautious model would answer. */
export const heuristicModel: FakeModel = (req) => {
  const ans = emptyAnswer();
  const data = req.data ?? [];
  const allowed = new Set(schemaSignalIds(req));
  const customer = data.filter((m) => m.role === 'customer');
  const buying: string[] = [];
  for (const m of customer) {
    for (const [id, re] of KEYWORDS) {
      const hit = re.exec(m.text);
      if (!hit || !allowed.has(id)) continue;
      buying.push(m.id);
      let s = ans.signals.find((x: any) => x.id === id);
      if (!s) { s = { id, confidence: 0.8, evidence: [] }; ans.signals.push(s); }
      s.evidence.push({ messageId: m.id, quote: hit[0] });
    }
  }
  const ids = [...new Set(buying)];
  if (ids.length) {
    ans.intent = { level: ids.length >= 3 ? 'high' : 'medium', confidence: 0.7, messageIds: ids };
    ans.need = { value: 'product information and price', confidence: 0.6, messageIds: ids.slice(0, 2) };
    const kinds = new Set(ans.signals.map((x: any) => x.id));
    const volume = customer.some((m) => ids.includes(m.id) && /\b\d{3,}\b/.test(m.text));
    const strong = kinds.has('asks_quote') || kinds.size >= 2 || volume;
    ans.tierSuggestion = { tier: strong ? 'qualified' : 'nurturing', confidence: 0.7, messageIds: ids };
  }
  ans.summary = `Customer wrote ${customer.length} messages${ids.length ? ' asking about buying' : ''}.`;
  return ans;
};

export async function startFakeOpenAiServer(opts: { model?: FakeModel; latencyMs?: number } = {}): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeFailure[] = [];
  let always: FakeFailure | null = null;
  let model: FakeModel = opts.model ?? heuristicModel;
  let latency = opts.latencyMs ?? 0;
  const sockets = new Set<Socket>();
  let seq = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const completion = (req: RecordedRequest, content: string) => ({
    id: `chatcmpl-fake-${++seq}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: req.body?.model ?? 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: Math.ceil((req.system.length + req.user.length) / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 },
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body: any = null;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* recorded as null */ }
      const msgs: Array<{ role: string; content: string }> = body?.messages ?? [];
      const user = msgs.find((m) => m.role === 'user')?.content ?? '';
      const rec: RecordedRequest = {
        method: req.method ?? '', path: req.url ?? '', headers: req.headers, body,
        system: msgs.find((m) => m.role === 'system')?.content ?? '', user, data: parseDataBlock(user), receivedAt: Date.now(),
      };
      requests.push(rec);
      if (req.method === 'POST' && req.url?.endsWith('/embeddings')) {
        await answerEmbeddings(res, body);
        return;
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        send(res, 404, { error: { message: `fake server: no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
        return;
      }
      const failure = queue.shift() ?? always;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      if (failure?.kind === 'timeout') return; // never answers; the client's timeout fires
      if (failure?.kind === 'status') {
        const headers: Record<string, string> = failure.retryAfterS !== undefined ? { 'retry-after': String(failure.retryAfterS) } : {};
        send(res, failure.status, { error: { message: failure.message ?? `fake server: HTTP ${failure.status}`, type: failure.status === 429 ? 'rate_limit_error' : 'server_error' } }, headers);
        return;
      }
      if (failure?.kind === 'invalid_json') { send(res, 200, completion(rec, '{"intent": {"level": "high", "confid')); return; }
      if (failure?.kind === 'schema_violation') { send(res, 200, completion(rec, JSON.stringify({ intent: 'very high', tier: 'qualified' }))); return; }
      let answer: unknown;
      try { answer = model(rec); } catch (err) {
        send(res, 500, { error: { message: `fake model threw: ${(err as Error).message}`, type: 'server_error' } });
        return;
      }
      send(res, 200, completion(rec, JSON.stringify(answer)));
    });
  });
  async function answerEmbeddings(res: ServerResponse, body: any) {
    const failure = queue.shift() ?? always;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (failure?.kind === 'timeout') return;
    if (failure?.kind === 'status') {
      const headers: Record<string, string> = failure.retryAfterS !== undefined ? { 'retry-after': String(failure.retryAfterS) } : {};
      send(res, failure.status, { error: { message: failure.message ?? `fake server: HTTP ${failure.status}`, type: failure.status === 429 ? 'rate_limit_error' : 'server_error' } }, headers);
      return;
    }
    if (failure) { send(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: 'not a vector' }] }); return; }
    const input: unknown = body?.input;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.length === 0 || !texts.every((x) => typeof x === 'string')) {
      send(res, 400, { error: { message: "'input' must be a non-empty string or array of strings", type: 'invalid_request_error' } });
      return;
    }
    const tokens = await loadTokenCounter('cl100k_base');
    const counts = texts.map((x) => tokens.count(x));
    const over = counts.findIndex((n) => n > EMBEDDING_MAX_TOKENS);
    if (over >= 0) {
      send(res, 400, { error: { message: `This model's maximum context length is ${EMBEDDING_MAX_TOKENS} tokens, however you requested ${counts[over]} tokens in input ${over}.`, type: 'invalid_request_error' } });
      return;
    }
    const vectors = await createLocalEmbedder({ dimensions: body?.dimensions ?? 64 }).embed(texts);
    const used = counts.reduce((a, b) => a + b, 0);
    send(res, 200, { object: 'list', data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })), model: body?.model ?? 'fake', usage: { prompt_tokens: used, total_tokens: used } });
  }

  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (...f) => { queue.push(...f); },
    failAlways: (f) => { always = f; },
    setModel: (m) => { model = m; },
    setLatency: (ms) => { latency = ms; },
    reset() { requests.length = 0; queue.length = 0; always = null; model = opts.model ?? heuristicModel; latency = opts.latencyMs ?? 0; },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
