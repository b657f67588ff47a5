// A flaky front for an OpenAI-compatible endpoint (the fake server in tests): a share of the
// requests fail the ways real endpoints fail — HTTP 429 with Retry-After, HTTP 500, no answer at
// all (the client's timeout fires), a 200 whose content is truncated JSON, a 200 that is not JSON —
// and the rest are passed through. The share can be changed while it runs (outage, recovery).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { rng } from '../helpers/traffic.js';

export type FlakyKind = 'http_429' | 'http_500' | 'timeout' | 'invalid_json' | 'not_json';
export const FLAKY_KINDS: FlakyKind[] = ['http_429', 'http_500', 'timeout', 'invalid_json', 'not_json'];

export interface FlakyLlm {
  /** Base URL with /v1, for LLM_BASE_URL. */
  readonly baseUrl: string;
  setFailureRate(rate: number): void;
  readonly stats: { requests: number; passed: number; failed: Record<FlakyKind, number> };
  close(): Promise<void>;
}

export async function startFlakyLlm(opts: { upstream: string; failureRate: number; seed: number; kinds?: FlakyKind[] }): Promise<FlakyLlm> {
  const random = rng(opts.seed);
  const kinds = opts.kinds ?? FLAKY_KINDS;
  let rate = opts.failureRate;
  const stats = { requests: 0, passed: 0, failed: Object.fromEntries(FLAKY_KINDS.map((k) => [k, 0])) as Record<FlakyKind, number> };
  const sockets = new Set<Socket>();
  const upstream = opts.upstream.replace(/\/$/, '');

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      if (random() < rate) {
        const kind = kinds[Math.floor(random() * kinds.length)]!;
        stats.failed[kind]++;
        switch (kind) {
          case 'http_429': json(res, 429, { error: { message: 'flaky: rate limited', type: 'rate_limit_error' } }, { 'retry-after': '1' }); return;
          case 'http_500': json(res, 500, { error: { message: 'flaky: server error', type: 'server_error' } }); return;
          case 'timeout': return; // never answers; the socket is destroyed when the client gives up or on close()
          case 'invalid_json':
            json(res, 200, { id: 'chatcmpl-flaky', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'flaky',
              choices: [{ index: 0, message: { role: 'assistant', content: '{"intent": {"level": "hi', refusal: null }, finish_reason: 'length', logprobs: null }] });
            return;
          case 'not_json': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>502 Bad Gateway</body></html>'); return;
        }
      }
      stats.passed++;
      const path = (req.url ?? '').replace(/^\/v1/, '');
      fetch(`${upstream}${path}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: req.headers.authorization ?? '' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      }).then(async (up) => {
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await up.arrayBuffer()));
      }).catch((err: Error) => json(res, 502, { error: { message: `flaky: upstream ${err.message}`, type: 'server_error' } }));
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    setFailureRate: (r) => { rate = r; },
    stats,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
