// The HTTP API and the lead board, on fastify. Everything it needs comes in as
// ports (read model, feedback sink, search, readiness checks), so the same
// server runs over the local runtime, over Kafka, and in unit tests with
// fastify's inject().
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import { registry } from '../core/metrics.js';
import { LeadwireError } from '../core/errors.js';
import type { SearchHit, SearchOptions } from '../search/search-conversations.js';
import type { FeedbackSink } from './feedback-record.js';
import { buildFeedbackRecord } from './feedback-record.js';
import type { LeadQuery, LeadReadModel, LeadSort } from './lead-read-model.js';
import { TIERS } from '../records/tier.js';
import type { FeedbackLabel } from '../records/feedback-record.js';
import { redactText } from './redact-output.js';
import { httpMetrics, reportLeadsPerTier } from './http-metrics.js';
import * as S from './openapi-schemas.js';

export type SearchPort = (query: string, opts: SearchOptions) => Promise<SearchHit[]>;

export interface ReadinessCheck {
  name: string;
  check: () => Promise<{ ok: boolean; detail?: string }>;
}

export interface ApiServerDeps {
  readModel: LeadReadModel;
  feedback: FeedbackSink;
  /** Semantic search; absent when no vector store is configured (GET /search answers 503). */
  search?: SearchPort;
  /** Bearer token of the write endpoints. */
  token: string;
  /** Dependencies /readyz checks besides the read model and the feedback sink. */
  checks?: ReadinessCheck[];
  now?: () => number;
  logger: Logger;
  /** Where the board's static files are (default: src/board next to this module). */
  boardDir?: string;
  /** Version string in the OpenAPI document. */
  version?: string;
}

const MAX_LIMIT = 200;
const CHECK_TIMEOUT_MS = 2_000;
const here = dirname(fileURLToPath(import.meta.url));

/** An error whose message is written for the client (a 503 says what to do; an unexpected 500 does not leak internals). */
function httpError(status: number, message: string): LeadwireError & { statusCode: number; expose: true } {
  const err = new LeadwireError(message, { kind: status >= 500 ? 'unavailable' : 'validation' }) as LeadwireError & { statusCode: number; expose: true };
  err.statusCode = status;
  err.expose = true;
  return err;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Comma-separated or repeated query values, each checked against a list. */
function listParam<T extends string>(name: string, raw: string | string[] | undefined, allowed?: readonly T[]): T[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return undefined;
  if (allowed) {
    const bad = values.filter((v) => !allowed.includes(v as T));
    if (bad.length) throw httpError(400, `${name} must be one of ${allowed.join(', ')} (comma-separated for several)`);
  }
  return values as T[];
}

/** `since`: an ISO 8601 time or epoch milliseconds. */
function timeParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw httpError(400, `${name} must be an ISO 8601 time (2024-05-01T10:00:00Z) or epoch milliseconds`);
  return ms;
}

function intParam(name: string, raw: string | undefined, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw httpError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(t);
  }
}

export type ApiServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const now = deps.now ?? (() => Date.now());
  const log = deps.logger;
  const boardDir = deps.boardDir ?? join(here, '..', 'board');
  const tokenDigest = digest(deps.token);
  if (deps.token.length < 16) throw new LeadwireError('the API token must be at least 16 characters (LEADWIRE_API_TOKEN)', { kind: 'config' });

  const app = Fastify({
    loggerInstance: log,
    // Per-request lines would drown the pipeline's logs; the request histogram counts them instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Ids and labels are strings; nothing else should be coerced or silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    bodyLimit: 16 * 1024,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'leadwire API',
        version: deps.version ?? '1',
        description: 'Lead scores, their evidence and history, semantic search over conversations, and feedback. Text fields are redacted (emails, phones, card and id numbers) before they leave the server.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'LEADWIRE_API_TOKEN' } } },
      tags: [{ name: 'leads' }, { name: 'search' }, { name: 'feedback' }, { name: 'operations' }],
    },
  });

  // --- errors: one shape, a clear message, never the raw input back ---------
  app.setErrorHandler((err: Error & { statusCode?: number; expose?: boolean; validation?: Array<{ params?: Record<string, unknown> }>; validationContext?: string }, req, reply) => {
    let status = err.statusCode ?? 500;
    let message = err.message;
    if (err.validation) {
      status = 400;
      const allowed = err.validation[0]?.params?.allowedValues as unknown[] | undefined;
      if (allowed) message += ` (${allowed.join(', ')})`;
    } else if (err instanceof LeadwireError && err.kind === 'validation' && !(err as { statusCode?: number }).statusCode) {
      status = 400;
    }
    if (status >= 500 && !err.expose) {
      log.error({ err, route: req.routeOptions.url }, 'request failed');
      message = 'internal error; the server log has the details';
    }
    void reply.code(status).send({ error: errorName(status), message: redactText(message) });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}: the API is described at /openapi.json` });
  });

  app.addHook('onResponse', async (req, reply) => {
    httpMetrics.requests.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const requireToken = async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) {
      void reply.header('www-authenticate', 'Bearer realm="leadwire"');
      throw httpError(401, 'this endpoint needs "Authorization: Bearer <token>" (the server\'s LEADWIRE_API_TOKEN)');
    }
    if (!timingSafeEqual(digest(m[1]!), tokenDigest)) {
      void reply.header('www-authenticate', 'Bearer realm="leadwire", error="invalid_token"');
      throw httpError(401, 'the bearer token is not this server\'s LEADWIRE_API_TOKEN');
    }
  };

  reportLeadsPerTier(async () => Object.fromEntries(await Promise.all(TIERS.map(async (t) => [t, (await deps.readModel.list({ tier: [t], limit: 1 })).total] as const))));

  // --- operations -----------------------------------------------------------
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: S.health } } }, async () => ({ status: 'ok' }));

  const checks: ReadinessCheck[] = [
    { name: 'read-model', check: () => deps.readModel.ready() },
    { name: 'feedback', check: () => deps.feedback.ready() },
    ...(deps.checks ?? []),
  ];
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Every dependency answers', response: { 200: S.readiness, 503: S.readiness } } }, async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => {
      const t0 = performance.now();
      try {
        const r = await withTimeout(c.check(), CHECK_TIMEOUT_MS, c.name);
        return { name: c.name, ok: r.ok, ...(r.detail ? { detail: redactText(r.detail) } : {}), ms: Math.round(performance.now() - t0) };
      } catch (err) {
        return { name: c.name, ok: false, detail: redactText((err as Error).message), ms: Math.round(performance.now() - t0) };
      }
    }));
    const ok = results.every((r) => r.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics of this process' } }, async (_req, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // --- leads ------------------------------------------------------------------
  app.get('/leads', { schema: { tags: ['leads'], summary: 'Leads, newest score first (or by score)', querystring: S.leadsQuery, response: { 200: S.leadPage, 400: S.error } } }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const sort = (q.sort ?? 'recent') as LeadSort;
    const tier = listParam('tier', q.tier, TIERS);
    const language = listParam('language', q.language);
    const since = timeParam('since', q.since);
    const query: LeadQuery = {
      limit: intParam('limit', q.limit, 50, 1, MAX_LIMIT),
      sort,
      ...(tier ? { tier } : {}),
      ...(language ? { language } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    };
    return deps.readModel.list(query);
  });

  app.get('/leads/:id', { schema: { tags: ['leads'], summary: 'One lead: score history, reasons with evidence, events, redacted transcript excerpt', params: S.idParams, response: { 200: S.leadDetail, 400: S.error, 404: S.error } } }, async (req) => {
    const { id } = req.params as { id: string };
    const lead = await deps.readModel.get(id);
    if (!lead) throw httpError(404, `no lead for conversation ${id}: it has not been scored yet (or the id is wrong)`);
    return lead;
  });

  // --- search -----------------------------------------------------------------
  app.get('/search', { schema: { tags: ['search'], summary: 'Semantic search over conversations', querystring: S.searchQuery, response: { 200: S.searchResult, 400: S.error, 503: S.error } } }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const text = (q.q ?? '').trim();
    if (!text) throw httpError(400, 'q is required: what the conversation is about, e.g. /search?q=cotización de 50 máquinas');
    if (!deps.search) throw httpError(503, 'search is not available: no vector store is configured on this server');
    const tier = listParam('tier', q.tier, TIERS);
    const language = listParam('language', q.language);
    const limit = intParam('limit', q.limit, 10, 1, 50);
    const hits = await deps.search(text, { limit, ...(tier ? { tier } : {}), ...(language ? { language } : {}) });
    const results = await Promise.all(hits.map(async (h) => {
      const lead = await deps.readModel.get(h.conversationId);
      return {
        conversationId: h.conversationId,
        similarity: Math.round(h.score * 1000) / 1000,
        excerpt: redactText(h.excerpt),
        tier: lead?.tier ?? h.tier,
        score: lead?.score ?? null,
        language: h.language,
        label: h.label,
        lastMessageAt: h.lastMessageAt,
      };
    }));
    return { query: redactText(text), results };
  });

  // --- feedback ---------------------------------------------------------------
  app.post('/feedback', {
    preHandler: requireToken,
    schema: { tags: ['feedback'], summary: 'A label from a person or a CRM; published to the feedback topic', security: [{ bearer: [] }], body: S.feedbackBody, response: { 202: S.feedbackAccepted, 400: S.error, 401: S.error, 404: S.error } },
  }, async (req, reply) => {
    const body = req.body as { conversationId: string; label: FeedbackLabel; reason?: string; actor?: string };
    if (!(await deps.readModel.get(body.conversationId))) {
      throw httpError(404, `no lead for conversation ${body.conversationId}: feedback is for conversations that were scored`);
    }
    const rec = buildFeedbackRecord(body, now());
    const t0 = performance.now();
    try {
      await deps.feedback.publish(rec);
      httpMetrics.feedback.observe({ label: rec.label, outcome: 'ok' }, (performance.now() - t0) / 1000);
    } catch (err) {
      httpMetrics.feedback.observe({ label: rec.label, outcome: 'error' }, (performance.now() - t0) / 1000);
      log.error({ err, conversationId: rec.conversation_id }, 'feedback publish failed');
      throw httpError(503, 'the feedback topic did not accept the record; retry in a moment');
    }
    return reply.code(202).send({ status: 'accepted', feedback: rec });
  });

  // --- live updates -----------------------------------------------------------
  const streams = new Set<ServerResponse>();
  app.get('/events', { schema: { tags: ['leads'], summary: 'Server-sent events: `lead` (a lead summary changed) and `feedback`' } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    httpMetrics.sseClients.inc();
    const off = deps.readModel.onChange((c) => {
      res.write(`event: ${c.type}\ndata: ${JSON.stringify(c.type === 'lead' ? c.lead : { conversationId: c.conversationId, ...c.feedback })}\n\n`);
    });
    // Proxies drop quiet connections; a comment line every 15 s keeps it open.
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    const done = () => {
      if (!streams.delete(res)) return;
      off();
      clearInterval(ping);
      httpMetrics.sseClients.dec();
    };
    req.raw.on('close', done);
    res.on('close', done);
  });
  app.addHook('preClose', async () => {
    for (const res of [...streams]) res.end();
  });

  // --- the board --------------------------------------------------------------
  const files: Record<string, { file: string; type: string }> = {
    '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
    '/board.js': { file: 'board.js', type: 'text/javascript; charset=utf-8' },
    '/board.css': { file: 'board.css', type: 'text/css; charset=utf-8' },
  };
  for (const [path, f] of Object.entries(files)) {
    const body = readFileSync(join(boardDir, f.file));
    app.get(path, { schema: { hide: true } }, async (_req, reply) => reply
      .header('content-type', f.type)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(body));
  }

  return app;
}

function errorName(status: number): string {
  return ({ 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type', 503: 'unavailable' } as Record<number, string>)[status]
    ?? (status >= 500 ? 'internal' : 'error');
}

