// The Debezium envelope of a wire_messages change, as zod schemas: the
// contract normalize validates every parsed value against. Rows come out with
// exact ids (decimal strings) and times in epoch ms.
import { z } from 'zod';
import { toEpochMs } from './timestamps.js';
import type { DebeziumChange, DecodeResult, SourceInfo, WireMessageRow } from './debezium-change.js';

/** Marker key the partial decoding of a huge body leaves beside it (debezium-envelope.ts). */
export const BODY_CUT_KEY = '\u0000bodyCut';

// Columns that may come in several JSON types are one step each (a type check
// in a transform) rather than unions: a failed union builds an error for every
// branch, which made a record with wrong types cost twice a good one.
const ID_TEXT = /^-?\d{1,20}$/;
const EXPECTED_ID = 'expected an integer id (safe integer, bigint or 1–20 digit string)';

function idOf(v: unknown, ctx: z.RefinementCtx): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' ? Number.isSafeInteger(v) : typeof v === 'bigint' || (typeof v === 'string' && ID_TEXT.test(v))) return String(v);
  ctx.addIssue({ code: 'custom', message: `${EXPECTED_ID}, got ${kindOf(v)}` });
  return z.NEVER;
}

const idValue = z.unknown().transform((v, ctx) => {
  if (v === null || v === undefined) { ctx.addIssue({ code: 'custom', message: `${EXPECTED_ID}, got ${kindOf(v)}` }); return z.NEVER; }
  return idOf(v, ctx)!;
});
// `.optional()` outside: an absent column is allowed (and comes out undefined, read as null below).
const nullableId = z.unknown().transform(idOf).optional();
const timeValue = z.unknown().transform((v, ctx): number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') {
    const ms = toEpochMs(v);
    if (ms !== null) return ms;
    ctx.addIssue({ code: 'custom', message: `unreadable timestamp ${String(v).slice(0, 40)}` });
    return z.NEVER;
  }
  ctx.addIssue({ code: 'custom', message: `expected a timestamp (number, bigint or string), got ${kindOf(v)}` });
  return z.NEVER;
}).optional();
const nullableText = z.string({ error: (iss) => `expected a string, got ${kindOf(iss.input)}` }).nullish().transform((v) => v ?? null);

// Plain (stripping) objects: unknown keys are skipped, not copied, which is
// measurably cheaper than looseObject on every message.
const rowSchema = z.object({
  id: idValue,
  conversation_id: nullableId,
  sendable_id: nullableId,
  sendable_type: nullableText,
  reply_id: nullableId,
  body: z.string({ error: (iss) => `expected a string, got ${kindOf(iss.input)}` }).nullish(),
  type: nullableText,
  kept_at: timeValue,
  deleted_at: timeValue,
  created_at: timeValue,
  updated_at: timeValue,
  [BODY_CUT_KEY]: z.number().optional(),
}, { error: (iss) => `expected a row object, got ${kindOf(iss.input)}` }).transform((r): WireMessageRow => {
  const row: WireMessageRow = {
    id: r.id,
    conversationId: r.conversation_id ?? null,
    sendableId: r.sendable_id ?? null,
    sendableType: r.sendable_type,
    replyId: r.reply_id ?? null,
    body: r.body,
    type: r.type,
    keptAt: r.kept_at ?? null,
    deletedAt: r.deleted_at ?? null,
    createdAt: r.created_at ?? null,
    updatedAt: r.updated_at ?? null,
  };
  const cut = r[BODY_CUT_KEY];
  if (typeof r.body === 'string' && cut !== undefined) row.bodyCut = cut;
  return row;
});

const bigish = z.unknown().transform((v, ctx): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return String(v);
  ctx.addIssue({ code: 'custom', message: `expected a number or string, got ${kindOf(v)}` });
  return z.NEVER;
}).optional();
const epoch = z.unknown().transform((v, ctx): number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  ctx.addIssue({ code: 'custom', message: `expected a number, got ${kindOf(v)}` });
  return z.NEVER;
}).optional();
const snapshotFlag = z.unknown().transform((v, ctx): boolean => {
  // Debezium ≥1.x: "true" | "false" | "first" | "last" | "incremental" | ...; 0.x: boolean.
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== 'false';
  ctx.addIssue({ code: 'custom', message: `expected a string or boolean, got ${kindOf(v)}` });
  return z.NEVER;
}).optional();

const sourceSchema = z.object({
  ts_ms: epoch,
  snapshot: snapshotFlag,
  table: z.string().nullish(),
  txId: bigish,
  lsn: bigish,
}, { error: (iss) => (iss.input === undefined ? 'required, missing' : `expected an object, got ${kindOf(iss.input)}`) }).transform((s): SourceInfo => ({
  lsn: s.lsn ?? null,
  txId: s.txId ?? null,
  tsMs: s.ts_ms ?? null,
  snapshot: s.snapshot ?? false,
  table: s.table ?? null,
}));

export const envelopeSchema = z.object({
  op: z.enum(['c', 'u', 'r', 'd', 't'], { error: (iss) => `expected one of c, u, r, d, t, got ${kindOf(iss.input)}` }),
  before: rowSchema.nullish(),
  after: rowSchema.nullish(),
  source: sourceSchema,
  ts_ms: epoch,
}, { error: (iss) => (iss.input === undefined ? 'required, missing' : `expected a JSON object, got ${kindOf(iss.input)}`) });

const MAX_ISSUES = 3;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Validates a plain envelope into a change, or says why it is not one (at most three problems, with their paths). */
export function validateEnvelope(value: unknown): DecodeResult {
  const env = envelopeSchema.safeParse(value);
  if (!env.success) {
    const issues = env.error.issues;
    // A problem inside a row image is a bad row (wrong column types); anything else a bad envelope.
    const first = issues[0]?.path[0];
    const reason = first === 'before' || first === 'after' ? 'invalid_row' : 'invalid_envelope';
    const text = issues.slice(0, MAX_ISSUES).map((i) => `${i.path.length ? i.path.map(String).join('.') : 'envelope'}: ${i.message}`).join('; ');
    const more = issues.length > MAX_ISSUES ? ` (+${issues.length - MAX_ISSUES} more)` : '';
    return { ok: false, reason, message: text + more };
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
  const change: DebeziumChange = { op: e.op, before, after, source: e.source, tsMs: e.ts_ms ?? null };
  return { ok: true, change };
}
