import { join } from 'node:path';
import { z } from 'zod';
import { defaultStateDir } from './state-dir.js';

// Every setting leadwire reads, in one schema. Each component receives only its
// own section. Environment variables map onto paths in env.ts.

const csv = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);
const int = z.coerce.number().int();

export const kafkaSchema = z.object({
  brokers: csv.default(['127.0.0.1:9092']),
  clientId: z.string().default('leadwire'),
  /** Stable per instance: transactional ids derive from it so a restarted worker fences its zombie. */
  instanceId: z.string().default(process.env.HOSTNAME ?? 'leadwire-0'),
  partitions: int.min(1).default(6),
  replicationFactor: int.min(1).default(1),
  transactionTimeoutMs: int.min(1000).default(60_000),
  commitIntervalMs: int.min(10).default(100),
  sessionTimeoutMs: int.min(6000).default(30_000),
});

export const topicsSchema = z.object({
  /** Debezium topic.prefix; the source topic is `<prefix>.public.wire_messages`. */
  sourcePrefix: z.string().default('wirechat'),
  source: z.string().optional(),
  messages: z.string().default('leadwire.messages.v1'),
  conversations: z.string().default('leadwire.conversations.v1'),
  signals: z.string().default('leadwire.signals.v1'),
  leadScores: z.string().default('leadwire.lead-scores.v1'),
  leadEvents: z.string().default('leadwire.lead-events.v1'),
  feedback: z.string().default('leadwire.feedback.v1'),
  dlq: z.string().default('leadwire.dlq.v1'),
});

export const normalizeSchema = z.object({
  /** wire_messages.type values that carry text worth reading. */
  acceptTypes: csv.default(['text']),
  fromDate: z.coerce.date().optional(),
  toDate: z.coerce.date().optional(),
  /** sendable_type → role. Unknown types fall back to `defaultRole`. */
  roleMap: z.record(z.string(), z.enum(['customer', 'agent', 'bot'])).default({
    'App\\Models\\Customer': 'customer',
    'App\\Models\\Contact': 'customer',
    'App\\Models\\Guest': 'customer',
    'App\\Models\\User': 'agent',
    'App\\Models\\Agent': 'agent',
    'App\\Models\\Admin': 'agent',
    'App\\Models\\Bot': 'bot',
  }),
  defaultRole: z.enum(['customer', 'agent', 'bot', 'unknown']).default('unknown'),
  maxBodyChars: int.min(100).default(20_000),
  /** How many recent (id, content) fingerprints to remember per partition for dedupe. */
  dedupeCacheSize: int.min(0).default(100_000),
});

export const windowSchema = z.object({
  gapMs: int.min(1).default(90_000),
  maxDelayMs: int.min(1).default(600_000),
  ttlMs: int.min(1).default(30 * 24 * 3600 * 1000),
  maxMessages: int.min(2).default(60),
  maxChars: int.min(200).default(12_000),
  /** Signal ids (from the rules catalog) that emit a snapshot at once. */
  hotTriggers: csv.default(['asks_quote', 'asks_demo', 'asks_call', 'asks_meeting', 'asks_visit', 'ready_to_buy', 'gives_contact', 'payment_method', 'delivery_to_me']),
  wallClockClose: bool.default(true),
});

export const extractSchema = z.object({
  /** A catalog name in catalogs/ (default, equipment-manufacturer) or a path to a YAML file. */
  catalog: z.string().default('default'),
  /** Records of different conversations extracted at once (the LLM path is slow). */
  concurrency: int.min(1).default(16),
  /** Characters of message text whose rule analysis each extract task remembers (0: none); a snapshot repeats its transcript. */
  messageCacheChars: int.min(0).default(2_000_000),
});

export const MODEL_PATH_HINT = 'EMBEDDER=onnx needs EMBED_MODEL_PATH, a folder with onnx/model.onnx and tokenizer.json (a sentence-transformers ONNX export): `npx leadwire models fetch` fetches all-MiniLM-L6-v2 and prints its folder';

export const embedSchema = z.object({
  /**
   * `local` (hashed words and character n-grams, no model), `onnx` (a sentence-transformers ONNX
   * model run in process, EMBED_MODEL_PATH) or `openai` (any OpenAI-compatible /embeddings endpoint).
   */
  embedder: z.enum(['local', 'onnx', 'openai']).default('local'),
  /** Folder of the ONNX model (EMBEDDER=onnx). */
  modelPath: z.string().optional(),
  /** ONNX Runtime threads per model run (unset: one per core). */
  threads: int.min(1).max(256).optional(),
  baseUrl: z.string().optional(),
  model: z.string().default('text-embedding-3-small'),
  /** Env only (EMBED_API_KEY / OPENAI_API_KEY). */
  apiKey: z.string().optional(),
  /** Vector size. Local default 512; for `openai` it is sent as `dimensions` only when set. */
  dimensions: int.min(8).max(65_536).optional(),
  /** Inputs per embeddings request (per model run for `onnx`). */
  batchSize: int.min(1).max(2048).default(64),
  requestTimeoutMs: int.min(100).default(30_000),
  /** Rate limits of the embeddings endpoint (0 = unlimited). */
  requestsPerMinute: int.min(0).default(0),
  tokensPerMinute: int.min(0).default(0),
  /** Roles whose messages are embedded; agent boilerplate makes every conversation look alike. */
  roles: csv.default(['customer']),
  /** A chunk holds whole messages up to this many characters (the model input bound). */
  chunkMaxChars: int.min(200).default(4000),
  /** Messages repeated at the start of the next chunk. */
  chunkOverlapMessages: int.min(0).default(2),
  /** Conversations embedded at once per partition (network embedders are slow). */
  concurrency: int.min(1).default(8),
  qdrantUrl: z.string().optional(),
  /** Env only (QDRANT_API_KEY). */
  qdrantApiKey: z.string().optional(),
  collection: z.string().regex(/^[A-Za-z0-9._-]+$/).default('leadwire_conversations'),
  /** Where the in-process store keeps vectors between processes (embedded mode, no QDRANT_URL); unset: `<stateDir>/vectors.jsonl`. */
  vectorsFile: z.string().optional(),
});

/** List prices in USD per million tokens at the time of writing; override with LLM_PRICES (JSON). */
export const DEFAULT_LLM_PRICES: Record<string, { inputPer1M: number; outputPer1M: number }> = {
  'gpt-4o-mini': { inputPer1M: 0.15, outputPer1M: 0.6 },
  'gpt-4o': { inputPer1M: 2.5, outputPer1M: 10 },
  'gpt-4.1-mini': { inputPer1M: 0.4, outputPer1M: 1.6 },
  'gpt-4.1-nano': { inputPer1M: 0.1, outputPer1M: 0.4 },
};

const priceTable = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try { return JSON.parse(v); } catch { return v; }
}, z.record(z.string(), z.object({ inputPer1M: z.number().min(0), outputPer1M: z.number().min(0) }).strict(),
  { error: 'LLM_PRICES must be JSON like {"model": {"inputPer1M": 0.15, "outputPer1M": 0.6}}' }));

/** The LLM extractor (docs/llm.md). Configured when `model` is set. */
export const llmSchema = z.object({
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; unset means api.openai.com. */
  baseUrl: z.string().url().optional(),
  model: z.string().min(1).optional(),
  /** Secret: only from the environment (LLM_API_KEY, else OPENAI_API_KEY). */
  apiKey: z.string().min(1).optional(),
  responseFormat: z.enum(['json_schema', 'json_object']).default('json_schema'),
  temperature: z.coerce.number().min(0).max(2).default(0),
  timeoutMs: int.min(100).default(30_000),
  /** A file prompts/<promptVersion>.md. */
  promptVersion: z.string().default('extract.v2'),
  tokenizer: z.enum(['o200k_base', 'cl100k_base']).default('o200k_base'),
  maxInputTokens: int.min(500).default(4_000),
  maxOutputTokens: int.min(100).default(1_200),
  requestsPerMinute: int.min(1).default(60),
  tokensPerMinute: int.min(1_000).default(200_000),
  retries: int.min(0).max(10).default(3),
  retryInitialDelayMs: int.min(1).default(500),
  retryMaxDelayMs: int.min(1).default(20_000),
  breakerFailureThreshold: int.min(1).default(5),
  breakerOpenMs: int.min(100).default(30_000),
  /** auto: PostgreSQL when DATABASE_URL is set, else in memory. */
  cache: z.enum(['auto', 'postgres', 'memory']).default('auto'),
  cacheMaxEntries: int.min(1).default(10_000),
  reextractDelayMs: int.min(100).default(60_000),
  reextractMaxDelayMs: int.min(100).default(30 * 60_000),
  reextractMaxAttempts: int.min(0).default(12),
  /** false: call on every snapshot with new customer text (evaluation); true: only when worth it. */
  gate: bool.default(true),
  gateNearMargin: z.coerce.number().min(0).default(1),
  gateMinNewMessages: int.min(1).default(4),
  /** Quiet time (event time in replays, wall clock live) before a deferred LLM call. */
  settleMs: int.min(0).default(15 * 60_000),
  prices: priceTable.default(DEFAULT_LLM_PRICES),
});

const LOCAL_HOSTS = /^(?:localhost|.*\.localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0)$/i;
/** True for endpoints on this machine, which need no key. */
export function isLocalEndpoint(url: string): boolean {
  try { return LOCAL_HOSTS.test(new URL(url).hostname); } catch { return false; }
}

const assignmentRuleSchema = z.object({ language: z.string().optional(), segment: z.string().optional(), sellers: z.array(z.string()).min(1) }).strict();
const jsonArray = <T extends z.ZodTypeAny>(item: T) => z.union([
  z.array(item),
  z.string().transform((s, ctx) => {
    try { return JSON.parse(s) as unknown; } catch { ctx.addIssue({ code: 'custom', message: 'not JSON' }); return z.NEVER; }
  }).pipe(z.array(item)),
]);

export const scoreSchema = z.object({
  /** Scoring model: `active` (scoring/ACTIVE, else v1), a version (`v2`) or a path to a YAML file. */
  model: z.string().default('active'),
  /** A second model scored alongside in shadow (`shadow` = scoring/SHADOW); its results ride on lead scores. */
  shadowModel: z.string().optional(),
  /** Overrides the model's material.scoreDelta. */
  materialDelta: z.coerce.number().min(0).optional(),
  /** CloudEvents `source` of the events the score stage emits. */
  eventSource: z.string().default('/leadwire/score'),
  followUpDelayMs: int.min(0).default(24 * 3600 * 1000),
  historySize: int.min(1).default(20),
  sellers: csv.default([]),
  assignmentRules: jsonArray(assignmentRuleSchema).default([]),
});

export const feedbackSchema = z.object({
  /** Labels needed before recalibration fits a new scoring version. */
  minLabels: int.min(2).default(50),
  /** L2 penalty of the logistic regression. */
  l2: z.coerce.number().min(0).default(1),
  /** Ceiling on LLM calls one `leadwire rescore` may cause. */
  rescoreMaxLlmCalls: int.min(0).default(100),
});

export const databaseSchema = z.object({
  /** The WireChat database: the table reader only reads wire_messages from it. */
  url: z.string().optional(),
  /** leadwire's own tables (analytics, LLM cache, migrations) in another database; unset: `url`. */
  analyticsUrl: z.string().optional(),
  /** The schema of leadwire's own tables, created on first use, so they never land in the customer's `public`. */
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'LEADWIRE_DB_SCHEMA must be a plain lower-case identifier (letters, digits, _)' }).default('leadwire'),
});

/** The HTTP API and lead board (`leadwire serve`, and `leadwire start` by default). */
export const httpSchema = z.object({
  port: int.min(0).max(65535).default(8080),
  /** Loopback by default: the board is for this machine until a token and a real host are set. */
  host: z.string().default('127.0.0.1'),
  /** Env only (LEADWIRE_API_TOKEN): bearer token of the write endpoints. Unset, each process makes one and prints the board link with it. */
  token: z.string().min(16, { error: 'LEADWIRE_API_TOKEN must be at least 16 characters' }).optional(),
  /** `leadwire start` serves the API and board (false: the console table only). */
  board: bool.default(true),
});

export const logSchema = z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') });

export const configSchema = z.object({
  /** Prefix of consumer groups, transactional ids and changelog topics: two deployments on one cluster need different ids. */
  appId: z.string().regex(/^[A-Za-z0-9._-]+$/).default('leadwire'),
  runtime: z.enum(['local', 'kafka']).default('local'),
  kafka: kafkaSchema.default(kafkaSchema.parse({})),
  topics: topicsSchema.default(topicsSchema.parse({})),
  normalize: normalizeSchema.default(normalizeSchema.parse({})),
  window: windowSchema.default(windowSchema.parse({})),
  extract: extractSchema.default(extractSchema.parse({})),
  score: scoreSchema.default(scoreSchema.parse({})),
  feedback: feedbackSchema.default(feedbackSchema.parse({})),
  llm: llmSchema.default(llmSchema.parse({})),
  embed: embedSchema.default(embedSchema.parse({})),
  database: databaseSchema.default(databaseSchema.parse({})),
  /** Files kept between runs: the table reader's checkpoint, the in-process vector store (default: XDG state dir). */
  stateDir: z.string().min(1).default(() => defaultStateDir()),
  http: httpSchema.default(httpSchema.parse({})),
  log: logSchema.default({ level: 'info' }),
  /** Port of a worker's /metrics, /healthz, /readyz endpoint (off when unset). */
  metricsPort: int.min(1).max(65535).optional(),
  connectUrl: z.string().default('http://127.0.0.1:8083'),
  schemaRegistryUrl: z.string().optional(),
}).superRefine((c, ctx) => {
  if (c.normalize.fromDate && c.normalize.toDate && c.normalize.fromDate > c.normalize.toDate) {
    ctx.addIssue({ code: 'custom', path: ['normalize', 'fromDate'], message: 'LEADWIRE_FROM_DATE is after LEADWIRE_TO_DATE: swap them or drop one' });
  }
  if (c.window.maxDelayMs < c.window.gapMs) {
    ctx.addIssue({ code: 'custom', path: ['window', 'maxDelayMs'], message: `WINDOW_MAX_DELAY_MS (${c.window.maxDelayMs}) is shorter than WINDOW_GAP_MS (${c.window.gapMs}): a session could never close by gap; raise the max delay or lower the gap` });
  }
  if (c.window.ttlMs < c.window.maxDelayMs) {
    ctx.addIssue({ code: 'custom', path: ['window', 'ttlMs'], message: 'WINDOW_TTL_MS is shorter than WINDOW_MAX_DELAY_MS: state would expire before its snapshot; raise the TTL' });
  }
  if (c.embed.embedder === 'onnx' && !c.embed.modelPath) {
    ctx.addIssue({ code: 'custom', path: ['embed', 'modelPath'], message: MODEL_PATH_HINT });
  }
  const llm = c.llm;
  if (llm.baseUrl && !llm.model) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'model'], message: `LLM_BASE_URL is set (${llm.baseUrl}) but LLM_MODEL is not: set the model to enable the LLM extractor, or unset LLM_BASE_URL` });
  }
  if (llm.model && !llm.baseUrl && !llm.apiKey) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'apiKey'], message: `LLM_MODEL is set (${llm.model}) without LLM_BASE_URL or an API key: set LLM_API_KEY (or OPENAI_API_KEY) for api.openai.com, or LLM_BASE_URL for another endpoint` });
  }
  if (llm.model && llm.baseUrl && !llm.apiKey && !isLocalEndpoint(llm.baseUrl)) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'apiKey'], message: `LLM_BASE_URL ${llm.baseUrl} is not on this machine and no LLM_API_KEY (or OPENAI_API_KEY) is set` });
  }
  if (llm.model && llm.cache === 'postgres' && !c.database.url && !c.database.analyticsUrl) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'cache'], message: 'LLM_CACHE=postgres needs DATABASE_URL (or ANALYTICS_DATABASE_URL); set it, or use LLM_CACHE=memory' });
  }
  if (llm.retryMaxDelayMs < llm.retryInitialDelayMs) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'retryMaxDelayMs'], message: 'LLM_RETRY_MAX_DELAY_MS is shorter than LLM_RETRY_INITIAL_DELAY_MS' });
  }
  if (llm.reextractMaxDelayMs < llm.reextractDelayMs) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'reextractMaxDelayMs'], message: 'LLM_REEXTRACT_MAX_DELAY_MS is shorter than LLM_REEXTRACT_DELAY_MS' });
  }
  if (llm.tokensPerMinute < llm.maxInputTokens + llm.maxOutputTokens) {
    ctx.addIssue({ code: 'custom', path: ['llm', 'tokensPerMinute'], message: `LLM_TOKENS_PER_MINUTE (${llm.tokensPerMinute}) is below one call's budget (LLM_MAX_INPUT_TOKENS + LLM_MAX_OUTPUT_TOKENS = ${llm.maxInputTokens + llm.maxOutputTokens})` });
  }
}).transform((c) => ({ ...c, embed: { ...c.embed, vectorsFile: c.embed.vectorsFile ?? join(c.stateDir, 'vectors.jsonl') } }));

export type Config = z.infer<typeof configSchema>;
export type KafkaConfig = Config['kafka'];
export type TopicsConfig = Config['topics'];
export type NormalizeConfig = Config['normalize'];
export type WindowConfig = Config['window'];
export type ExtractConfig = Config['extract'];
export type ScoreConfig = Config['score'];
export type FeedbackConfig = Config['feedback'];
export type LlmConfig = Config['llm'];
export type EmbedConfig = Config['embed'];
export type HttpConfig = Config['http'];
export type DatabaseConfig = Config['database'];

/** The database of leadwire's own tables: ANALYTICS_DATABASE_URL, else DATABASE_URL. */
export const analyticsDatabaseUrl = (d: DatabaseConfig): string | undefined => d.analyticsUrl ?? d.url;

export function sourceTopic(t: TopicsConfig): string {
  return t.source ?? `${t.sourcePrefix}.public.wire_messages`;
}
