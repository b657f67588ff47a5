// Composition of the API server for the two runtimes: over the local
// runtime's topics (the embedded default, `leadwire start`) or over Kafka
// (`leadwire serve`, next to workers started with `leadwire run`).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { LocalRuntime } from '../runtime/local-runtime.js';
import { createKafka } from '../adapters/kafka/kafka-factory.js';
import { createEmbedder } from '../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../adapters/vector-store/create-vector-store.js';
import type { VectorStore } from '../ports/vector-store.js';
import type { Embedder } from '../ports/embedder.js';
import { searchConversations } from '../search/search-conversations.js';
import { createApiServer, type ApiServer, type ReadinessCheck, type SearchPort } from '../http/api-server.js';
import { createMemoryLeadReadModel } from '../http/memory-lead-read-model.js';
import { feedFromLocalRuntime } from '../http/topic-feed.js';
import { kafkaFeedbackSink, localFeedbackSink } from '../http/feedback-sinks.js';
import { createKafkaLeadFeed } from '../http/kafka-lead-feed.js';
import type { LeadReadModel } from '../http/lead-read-model.js';

export interface RunningLeadServer {
  app: ApiServer;
  /** http://host:port */
  url: string;
  /** The board link; carries the token in its fragment when this process made the token. */
  boardUrl: string;
  token: string;
  tokenGenerated: boolean;
  readModel: LeadReadModel;
  close(): Promise<void>;
}

export interface LeadServerOptions {
  logger: Logger;
  /** Embedded mode: the local runtime whose topics feed the board and receive feedback. */
  runtime?: Pick<LocalRuntime, 'subscribe' | 'read' | 'produce'>;
  /** Semantic search (default: the configured embedder and vector store, read-only); null: none. */
  search?: SearchPort | null;
  /** The embedder and vector store the embed stage writes in this process (search then sees fresh vectors). */
  vectors?: { embedder: Embedder; store: VectorStore };
  port?: number;
  host?: string;
  now?: () => number;
}

/** The token of the write endpoints: LEADWIRE_API_TOKEN, or a fresh one for this process. */
export function apiToken(config: Pick<Config, 'http'>): { token: string; generated: boolean } {
  return config.http.token ? { token: config.http.token, generated: false } : { token: randomBytes(18).toString('base64url'), generated: true };
}

function defaultSearch(config: Config, logger: Logger): { search: SearchPort; store: VectorStore } {
  const embedder = createEmbedder(config.embed);
  const store = createVectorStore(config.embed, { logger, readOnly: true });
  return { search: (q, opts) => searchConversations({ embedder, store }, q, opts), store };
}

export async function startLeadServer(config: Config, opts: LeadServerOptions): Promise<RunningLeadServer> {
  const log = opts.logger;
  const model = createMemoryLeadReadModel({ historySize: Math.max(config.score.historySize, 20) });
  const { token, generated } = apiToken(config);
  const checks: ReadinessCheck[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  let feedback;
  if (opts.runtime) {
    cleanups.push(feedFromLocalRuntime(opts.runtime, config.topics, model, (topic, err) => log.warn({ topic, err: (err as Error).message }, 'skipped a record the read model cannot use')));
    feedback = localFeedbackSink(opts.runtime, config.topics.feedback);
  } else {
    const kafka = createKafka(config.kafka, log);
    const feed = createKafkaLeadFeed({ kafka, topics: config.topics, model, groupPrefix: `${config.appId}-http-${config.kafka.instanceId}`, logger: log });
    await feed.start();
    cleanups.push(() => feed.stop());
    checks.push({ name: 'kafka-lead-topics', check: () => feed.ready() });
    feedback = kafkaFeedbackSink(kafka, config.topics.feedback);
  }
  cleanups.push(() => feedback.close());

  if (config.database.url) {
    const { createPgHealthCheck } = await import('../adapters/pg/pg-health-check.js');
    const postgres = createPgHealthCheck(config.database.url);
    cleanups.push(() => postgres.close());
    checks.push({ name: 'postgres', check: () => postgres.check() });
  }

  let search: SearchPort | undefined;
  if (opts.search !== null) {
    if (opts.search) search = opts.search;
    else if (opts.vectors) {
      const { embedder, store } = opts.vectors;
      search = (q, o) => searchConversations({ embedder, store }, q, o);
      checks.push({ name: `vector-store (${store.kind})`, check: async () => ({ ok: true, detail: `${await store.count()} points` }) });
    } else {
      const s = defaultSearch(config, log);
      search = s.search;
      cleanups.push(() => s.store.close());
      checks.push({ name: `vector-store (${s.store.kind})`, check: async () => ({ ok: true, detail: `${await s.store.count()} points` }) });
    }
  }

  const app = await createApiServer({ readModel: model, feedback, token, checks, logger: log, ...(search ? { search } : {}), ...(opts.now ? { now: opts.now } : {}) });
  const host = opts.host ?? config.http.host;
  await app.listen({ port: opts.port ?? config.http.port, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  return {
    app,
    url,
    boardUrl: generated ? `${url}/#token=${token}` : `${url}/`,
    token,
    tokenGenerated: generated,
    readModel: model,
    async close() {
      await app.close();
      for (const c of cleanups.reverse()) await c();
    },
  };
}
