import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer, type SearchPort } from '../../../src/http/api-server.js';
import { createMemoryLeadReadModel, type MemoryLeadReadModel } from '../../../src/http/memory-lead-read-model.js';
import type { FeedbackRecord, FeedbackSink } from '../../../src/http/feedback-record.js';
import { silentLogger } from '../../../src/core/logger.js';
import { leadScore } from './fixtures.js';
import { feedbackRecordSchema } from '../../../src/records/feedback-record.js';

const TOKEN = 'test-token-0123456789abcdef';
const NOW = 1_764_100_000_000;
const auth = { authorization: `Bearer ${TOKEN}` };

function memorySink(): FeedbackSink & { sent: FeedbackRecord[]; fail: boolean } {
  const s = {
    sent: [] as FeedbackRecord[],
    fail: false,
    async publish(rec: FeedbackRecord) { if (s.fail) throw new Error('broker down'); s.sent.push(rec); },
    async ready() { return s.fail ? { ok: false, detail: 'broker down' } : { ok: true }; },
    async close() {},
  };
  return s;
}

let model: MemoryLeadReadModel;
let sink: ReturnType<typeof memorySink>;
let app: ApiServer;
let searchCalls: Array<{ q: string; opts: unknown }>;

const search: SearchPort = async (q, opts) => {
  searchCalls.push({ q, opts });
  return [{ conversationId: '2', score: 0.81234, excerpt: 'cotización de 50 máquinas, mi correo es juan@example.com', tier: 'nurturing', language: 'es', label: null, lastMessageAt: NOW, chunk: 0 }];
};

beforeEach(async () => {
  model = createMemoryLeadReadModel();
  sink = memorySink();
  searchCalls = [];
  model.applyScore(leadScore({ conversationId: '1', tier: 'qualified', score: 92, language: 'es', scoredAt: NOW - 5000 }));
  model.applyScore(leadScore({ conversationId: '2', tier: 'nurturing', score: 45, language: 'en', scoredAt: NOW - 4000 }));
  model.applyScore(leadScore({ conversationId: '3', tier: 'unqualified', score: 5, language: 'es', scoredAt: NOW - 3000 }));
  app = await createApiServer({ readModel: model, feedback: sink, search, token: TOKEN, logger: silentLogger, now: () => NOW });
});
afterEach(async () => { await app.close(); });

describe('operations', () => {
  it('answers /healthz, /metrics and /readyz with every check', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.map((c: { name: string }) => c.name)).toEqual(['read-model', 'feedback']);
    sink.fail = true;
    const notReady = await app.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().checks.find((c: { name: string }) => c.name === 'feedback')).toMatchObject({ ok: false, detail: 'broker down' });
    await app.inject('/leads');
    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('leadwire_leads{tier="qualified"} 1');
    expect(metrics.body).toMatch(/leadwire_http_request_seconds_count\{method="GET",route="\/leads",status="200"\} \d+/);
  });

  it('fails readiness when a dependency hangs', async () => {
    const slow = await createApiServer({ readModel: model, feedback: sink, token: TOKEN, logger: silentLogger, checks: [{ name: 'postgres', check: () => new Promise(() => {}) }] });
    const r = await slow.inject('/readyz');
    expect(r.statusCode).toBe(503);
    expect(r.json().checks.find((c: { name: string }) => c.name === 'postgres').detail).toMatch(/did not answer/);
    await slow.close();
  });

  it('serves an OpenAPI document describing the routes and the bearer scheme', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/leads', '/leads/{id}', '/search', '/feedback', '/healthz', '/readyz', '/metrics']));
    expect(doc.paths['/feedback'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  });
});

describe('GET /leads', () => {
  it('filters by tier, language and since', async () => {
    const q = (await app.inject('/leads?tier=qualified,nurturing')).json();
    expect(q.leads.map((l: { conversationId: string }) => l.conversationId)).toEqual(['2', '1']);
    expect((await app.inject('/leads?language=es&sort=score')).json().leads.map((l: { conversationId: string }) => l.conversationId)).toEqual(['1', '3']);
    expect((await app.inject(`/leads?since=${new Date(NOW - 3500).toISOString()}`)).json().total).toBe(1);
    expect((await app.inject(`/leads?since=${NOW - 4000}`)).json().total).toBe(2);
  });

  it('pages', async () => {
    const p1 = (await app.inject('/leads?limit=2')).json();
    expect(p1.leads).toHaveLength(2);
    const p2 = (await app.inject(`/leads?limit=2&cursor=${p1.nextCursor}`)).json();
    expect(p2.leads.map((l: { conversationId: string }) => l.conversationId)).toEqual(['1']);
    expect(p2.nextCursor).toBeNull();
  });

  it.each([
    ['/leads?tier=hot', /tier must be one of qualified, nurturing, unqualified/],
    ['/leads?since=yesterday', /since must be an ISO 8601 time/],
    ['/leads?limit=0', /limit must be an integer from 1 to 200/],
    ['/leads?limit=abc', /limit/],
    ['/leads?cursor=bm9wZQ', /nextCursor/],
    ['/leads?sort=best', /sort must be equal to one of the allowed values \(recent, score\)/],
    ['/leads?colour=red', /must NOT have additional properties/],
  ])('rejects %s with a 400 and a clear message', async (url, message) => {
    const r = await app.inject(url);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe('bad_request');
    expect(r.json().message).toMatch(message);
  });
});

describe('GET /leads/:id', () => {
  it('returns the detail with history and redacted evidence and transcript', async () => {
    model.applyScore(leadScore({
      conversationId: '1', snapshotVersion: 2, tier: 'qualified', score: 97, scoredAt: NOW,
      reasons: { positive: [{ signal: 'asks_call', kind: 'intent', points: 4, messageId: '9', quote: 'llámame al 300 123 4567' }], negative: [] },
    }));
    model.applyTranscript('1', 2, [{ id: '9', role: 'customer', body: 'llámame al 300 123 4567 o a maria@example.org', createdAt: NOW }]);
    const r = await app.inject('/leads/1');
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.history.map((h: { score: number }) => h.score)).toEqual([92, 97]);
    expect(d.reasons.positive[0].quote).toBe('llámame al [phone]');
    expect(d.transcript[0].text).toBe('llámame al [phone] o a [email]');
    expect(r.body).not.toMatch(/maria@|123 4567/);
  });

  it('answers 404 for an unknown lead and 400 for an id that is not one', async () => {
    expect((await app.inject('/leads/424242')).statusCode).toBe(404);
    const bad = await app.inject('/leads/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/params\/id must match pattern/);
  });

  it('answers unknown routes with a pointer to the API description', async () => {
    const r = await app.inject('/nope');
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toContain('/openapi.json');
  });
});

describe('GET /search', () => {
  it('searches, joins the current score and redacts the excerpt', async () => {
    const r = await app.inject(`/search?q=${encodeURIComponent('cotización 50 máquinas')}&tier=nurturing&limit=5`);
    expect(r.statusCode).toBe(200);
    expect(searchCalls).toEqual([{ q: 'cotización 50 máquinas', opts: { limit: 5, tier: ['nurturing'] } }]);
    const hit = r.json().results[0];
    expect(hit).toMatchObject({ conversationId: '2', similarity: 0.812, score: 45, tier: 'nurturing' });
    expect(hit.excerpt).toBe('cotización de 50 máquinas, mi correo es [email]');
  });

  it('needs q, and says when search is not configured', async () => {
    expect((await app.inject('/search?q=%20')).json().message).toMatch(/q is required/);
    expect((await app.inject('/search')).statusCode).toBe(400);
    const noSearch = await createApiServer({ readModel: model, feedback: sink, token: TOKEN, logger: silentLogger });
    const r = await noSearch.inject('/search?q=hola');
    expect(r.statusCode).toBe(503);
    expect(r.json().message).toMatch(/no vector store/);
    await noSearch.close();
  });
});

describe('POST /feedback', () => {
  const post = (body: unknown, headers: Record<string, string> = auth) => app.inject({ method: 'POST', url: '/feedback', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

  it('needs the bearer token', async () => {
    const none = await post({ conversationId: '1', label: 'good' }, {});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json().message).toMatch(/Authorization: Bearer/);
    expect((await post({ conversationId: '1', label: 'good' }, { authorization: 'Bearer wrong-token-xxxxxxxxxxxx' })).statusCode).toBe(401);
    expect((await post({ conversationId: '1', label: 'good' }, { authorization: `Basic ${TOKEN}` })).statusCode).toBe(401);
    expect(sink.sent).toHaveLength(0);
  });

  it('publishes a feedback record with the reason redacted', async () => {
    const r = await post({ conversationId: '1', label: 'won', reason: 'closed, call him on +57 300 123 4567', actor: 'crm:hubspot' });
    expect(r.statusCode).toBe(202);
    expect(sink.sent).toHaveLength(1);
    expect(sink.sent[0]).toMatchObject({ schema: 'leadwire.feedback.v1', conversation_id: '1', label: 'won', actor: 'crm:hubspot', at: NOW, reason: 'closed, call him on [phone]' });
    expect(sink.sent[0]!.feedback_id).toMatch(/^[0-9a-f-]{36}$/);
    // The feedback stage accepts exactly this record (its schema is strict).
    expect(feedbackRecordSchema.safeParse(sink.sent[0]).success).toBe(true);
    expect(r.json().feedback).toEqual(sink.sent[0]);
    expect(r.body).not.toContain('123 4567');
  });

  it.each([
    [{ conversationId: '1', label: 'great' }, 400, /label must be equal to one of the allowed values \(good, bad, won, lost\)/],
    [{ label: 'good' }, 400, /must have required property 'conversationId'/],
    [{ conversationId: 1, label: 'good' }, 400, /conversationId must be string/],
    [{ conversationId: '1', label: 'good', score: 100 }, 400, /must NOT have additional properties/],
    [{ conversationId: '1', label: 'good', reason: 'x'.repeat(501) }, 400, /reason must NOT have more than 500 characters/],
    [{ conversationId: '777', label: 'good' }, 404, /no lead for conversation 777/],
  ])('rejects %j', async (body, status, message) => {
    const r = await post(body);
    expect(r.statusCode).toBe(status);
    expect(r.json().message).toMatch(message);
    expect(sink.sent).toHaveLength(0);
  });

  it('rejects a body that is not JSON and says when the topic is down', async () => {
    const r = await app.inject({ method: 'POST', url: '/feedback', headers: { 'content-type': 'application/json', ...auth }, payload: '{nope' });
    expect(r.statusCode).toBe(400);
    sink.fail = true;
    const down = await post({ conversationId: '1', label: 'good' });
    expect(down.statusCode).toBe(503);
    expect(down.json().message).toMatch(/retry/);
  });
});

describe('board and live updates', () => {
  it('serves the board with a strict content security policy', async () => {
    const r = await app.inject('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('/board.js');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject('/board.js')).headers['content-type']).toContain('javascript');
    expect((await app.inject('/board.css')).statusCode).toBe(200);
  });

  it('streams lead changes as server-sent events', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          if (buf.includes('event: feedback')) { req.destroy(); resolve(buf); }
        });
        // The stream is open: publish a change now. Feedback comes back through the topic, as in the runtime.
        sink.publish = async (rec) => { model.applyFeedback(rec); };
        setTimeout(() => {
          model.applyScore(leadScore({ conversationId: '4', tier: 'qualified', score: 99, reasons: { positive: [{ signal: 'x', kind: 'intent', points: 1, messageId: '1', quote: 'mail me: a@b.co' }], negative: [] } }));
          void app.inject({ method: 'POST', url: '/feedback', headers: { 'content-type': 'application/json', ...auth }, payload: JSON.stringify({ conversationId: '4', label: 'good' }) });
        }, 50);
      });
      req.on('error', reject);
      req.end();
    });
    const leadEvent = /event: lead\ndata: (.*)\n/.exec(received)!;
    expect(JSON.parse(leadEvent[1]!)).toMatchObject({ conversationId: '4', tier: 'qualified', score: 99, topReasons: [{ quote: 'mail me: [email]' }] });
    expect(received).toContain('event: feedback');
  });
});
