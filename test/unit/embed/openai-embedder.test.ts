// The OpenAI-compatible embedder against a local HTTP server that answers
// like POST /v1/embeddings and can be told to fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmbedder } from '../../../src/adapters/embedder/openai-embedder.js';
import { LeadwireError } from '../../../src/core/errors.js';
import { createCircuitBreaker } from '../../../src/policies/circuit-breaker.js';

interface Req { path: string; auth: string | undefined; body: { model: string; input: string[]; dimensions?: number; encoding_format?: string } }
let server: Server;
let url = '';
const requests: Req[] = [];
let script: Array<{ status: number; headers?: Record<string, string>; body?: unknown }> = [];
let dims = 4;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    requests.push({ path: req.url ?? '', auth: req.headers.authorization, body });
    const next = script.shift();
    if (next) {
      res.writeHead(next.status, { 'content-type': 'application/json', ...(next.headers ?? {}) });
      res.end(JSON.stringify(next.body ?? { error: { message: 'scripted failure', type: 'server_error' } }));
      return;
    }
    // Deliberately out of order: clients must place vectors by `index`.
    const data = body.input.map((t: string, index: number) => ({ object: 'embedding', index, embedding: Array.from({ length: dims }, (_, j) => (j === 0 ? t.length : j)) })).reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { requests.length = 0; script = []; dims = 4; });

const fast = { retries: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 };
const make = (over: Partial<Parameters<typeof createOpenAiEmbedder>[0]> = {}) =>
  createOpenAiEmbedder({ baseUrl: url, apiKey: 'sk-test', model: 'text-embedding-3-small', batchSize: 2, timeoutMs: 2000, retry: fast, ...over });

describe('OpenAI-compatible embedder', () => {
  it('batches inputs, keeps input order and returns unit vectors', async () => {
    const e = make({ dimensions: 4 });
    const out = await e.embed(['a', 'bbb', 'cc', 'dddd', 'e']);
    expect(requests.map((r) => r.body.input)).toEqual([['a', 'bbb'], ['cc', 'dddd'], ['e']]);
    expect(requests[0]).toMatchObject({ path: '/v1/embeddings', auth: 'Bearer sk-test', body: { model: 'text-embedding-3-small', dimensions: 4, encoding_format: 'float' } });
    // Component 0 is the input length: order is by input, not by the answer's order.
    const first = out.map((v) => v[0]!);
    expect(out.map((v) => Math.hypot(...v))).toEqual(out.map(() => expect.closeTo(1, 6)));
    expect(first[1]! > first[0]!).toBe(true);
    expect(e.dimensions).toBe(4);
  });

  it('learns the dimensions from the first answer when none are configured', async () => {
    dims = 6;
    const e = make();
    expect(e.dimensions).toBeUndefined();
    await e.embed(['x']);
    expect(requests[0]!.body.dimensions).toBeUndefined();
    expect(e.dimensions).toBe(6);
  });

  it('retries 429 (honouring Retry-After) and 5xx, with the SDK retries off', async () => {
    script = [{ status: 429, headers: { 'retry-after-ms': '5' } }, { status: 503 }];
    const out = await make().embed(['x']);
    expect(out).toHaveLength(1);
    expect(requests).toHaveLength(3);
  });

  it('does not retry a 400 and reports it as not retriable', async () => {
    script = [{ status: 400, body: { error: { message: 'bad model', type: 'invalid_request_error' } } }];
    const err = await make().embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeadwireError);
    expect((err as LeadwireError).retriable).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it('rejects an answer with the wrong number of vectors', async () => {
    script = [{ status: 200, body: { object: 'list', data: [], model: 'm' } }];
    await expect(make().embed(['x'])).rejects.toThrow(/0 vectors for 1 inputs/);
  });

  it('stops calling once the circuit breaker opens', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 500 }));
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 60_000 });
    const e = make({ breaker, retry: { ...fast, retries: 5 } });
    await expect(e.embed(['x'])).rejects.toThrow(/circuit breaker is open/);
    expect(requests).toHaveLength(2);
  });
});
