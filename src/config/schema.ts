import { z } from 'zod';

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
  hotTriggers: csv.default(['asks_price', 'asks_quote', 'asks_demo', 'asks_call', 'asks_visit', 'ready_to_buy']),
  wallClockClose: bool.default(true),
});

export const extractSchema = z.object({
  /** A catalog name in catalogs/ (default, equipment-manufacturer) or a path to a YAML file. */
  catalog: z.string().default('default'),
  /** Records of different conversations extracted at once (the LLM path is slow). */
  concurrency: int.min(1).default(16),
});

export const databaseSchema = z.object({
  url: z.string().optional(),
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
  database: databaseSchema.default({}),
  log: logSchema.default({ level: 'info' }),
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
});

export type Config = z.infer<typeof configSchema>;
export type KafkaConfig = Config['kafka'];
export type TopicsConfig = Config['topics'];
export type NormalizeConfig = Config['normalize'];
export type WindowConfig = Config['window'];
export type ExtractConfig = Config['extract'];

export function sourceTopic(t: TopicsConfig): string {
  return t.source ?? `${t.sourcePrefix}.public.wire_messages`;
}
