// The zod-based envelope decoder normalize used before its hand-written one,
// kept as the reference the differential test compares against (same accept /
// reject decisions, same reasons, same decoded change).
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { parseJsonExact, type DecodeResult, type SourceInfo, type WireMessageRow } from '../../../src/processors/normalize/debezium-envelope.js';
import { toEpochMs } from '../../../src/processors/normalize/timestamps.js';

const idValue = z.union([
  z.number().int(),
  z.bigint(),
  z.string().regex(/^-?\d{1,20}$/, 'expected an integer id'),
]).transform((v) => String(v));
const timeValue = z.union([z.number(), z.bigint(), z.string()]).nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return null;
    const ms = toEpochMs(v);
    if (ms === null) { ctx.addIssue({ code: 'custom', message: `unreadable timestamp ${String(v).slice(0, 40)}` }); return z.NEVER; }
    return ms;
  });
const nullableId = idValue.nullish().transform((v) => v ?? null);
const nullableText = z.string().nullish().transform((v) => v ?? null);

// Plain (stripping) objects: unknown keys are skipped, not copied, which is
// measurably cheaper than looseObject on every message.
const rowSchema = z.object({
  id: idValue,
  conversation_id: nullableId,
  sendable_id: nullableId,
  sendable_type: nullableText,
  reply_id: nullableId,
  body: z.string().nullish(),
  type: nullableText,
  kept_at: timeValue,
  deleted_at: timeValue,
  created_at: timeValue,
  updated_at: timeValue,
}).transform((r): WireMessageRow => ({
  id: r.id,
  conversationId: r.conversation_id,
  sendableId: r.sendable_id,
  sendableType: r.sendable_type,
  replyId: r.reply_id,
  body: 'body' in r ? r.body : undefined,
  type: r.type,
  keptAt: r.kept_at,
  deletedAt: r.deleted_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
}));

const bigish = z.union([z.number(), z.bigint(), z.string()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v)));

const sourceSchema = z.object({
  ts_ms: z.union([z.number(), z.bigint()]).nullish(),
  // Debezium ≥1.x: "true" | "false" | "first" | "last" | "incremental" | ...; 0.x: boolean.
  snapshot: z.union([z.string(), z.boolean()]).nullish(),
  table: z.string().nullish(),
  txId: bigish,
  lsn: bigish,
}).transform((s): SourceInfo => ({
  lsn: s.lsn,
  txId: s.txId,
  tsMs: s.ts_ms === null || s.ts_ms === undefined ? null : Number(s.ts_ms),
  snapshot: typeof s.snapshot === 'boolean' ? s.snapshot : !!s.snapshot && s.snapshot !== 'false',
  table: s.table ?? null,
}));

const envelopeSchema = z.object({
  op: z.enum(['c', 'u', 'r', 'd', 't']),
  before: rowSchema.nullish(),
  after: rowSchema.nullish(),
  source: sourceSchema,
  ts_ms: z.union([z.number(), z.bigint()]).nullish(),
});

function issues(err: z.ZodError, prefix: string): string {
  return err.issues.slice(0, 3).map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`).join('; ');
}

/** Decodes the raw bytes of a non-null Debezium value. */
export function referenceDecodeValue(bytes: Buffer): DecodeResult {
  if (!isUtf8(bytes)) return { ok: false, reason: 'invalid_utf8', message: 'value is not valid UTF-8' };
  let json: unknown;
  try {
    json = parseJsonExact(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', message: (err as Error).message.slice(0, 200) };
  }
  return referenceDecodeJson(json);
}

/** Validates an already-parsed value (plain envelope, or `{schema, payload}` when schemas.enable=true). */
export function referenceDecodeJson(json: unknown): DecodeResult {
  let value = json;
  if (value && typeof value === 'object' && !Array.isArray(value) && 'payload' in value && 'schema' in value && !('op' in value)) {
    value = (value as { payload: unknown }).payload;
    if (value === null) return { ok: true, change: null };
  }
  const env = envelopeSchema.safeParse(value);
  if (!env.success) {
    // A problem inside a row image is a bad row (wrong column types); anything else a bad envelope.
    const first = env.error.issues[0]?.path[0];
    const reason = first === 'before' || first === 'after' ? 'invalid_row' : 'invalid_envelope';
    return { ok: false, reason, message: issues(env.error, '') };
  }
  const e = env.data;
  const before = e.before ?? null;
  const after = e.after ?? null;
  if ((e.op === 'c' || e.op === 'u' || e.op === 'r') && !after) {
    return { ok: false, reason: 'invalid_envelope', message: `op ${e.op} without an after image` };
  }
  if (e.op === 'd' && !before) {
    // REPLICA IDENTITY NOTHING: the delete names no row at all.
    return { ok: false, reason: 'invalid_envelope', message: 'delete without a before image (REPLICA IDENTITY NOTHING?)' };
  }
  return {
    ok: true,
    change: { op: e.op, before, after, source: e.source, tsMs: e.ts_ms === null || e.ts_ms === undefined ? null : Number(e.ts_ms) },
  };
}

