// The normalize stage: one Debezium change of wire_messages in, at most one
// NormalizedMessage out, keyed by conversation id so the runtime re-keys the
// stream onto leadwire.messages.v1. Anything unreadable goes to the DLQ with a
// reason; nothing here throws on bad input.
import type { Logger } from 'pino';
import type { NormalizeConfig } from '../../config/schema.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../stream/processor-api.js';
import { cleanText, rawCapOf } from './clean-text.js';
import {
  TOAST_PLACEHOLDER, decodeDebeziumJson, decodeDebeziumValue, messageIdFromKey,
  type DebeziumChange, type DecodeOptions, type DecodeResult, type WireMessageRow,
} from './debezium-envelope.js';
import { bodyFingerprint, createDedupeCache } from './dedupe-cache.js';
import { detectLanguage } from './detect-language.js';
import type { NormalizedMessage, PiiFacts } from '../../records/normalized-message.js';
import { createMessageIndex, type MessageIndex } from './message-index.js';
import { redactPii } from './redact-pii.js';
import { createRoleResolver } from './resolve-role.js';

/**
 * message id → conversation (message-index.ts). Written on every upsert so that
 * a hard delete under REPLICA IDENTITY DEFAULT (whose `before` carries only the
 * id) can be routed. The source topic is keyed by message id, so a row's insert
 * and its delete meet in the same partition's store. Entries go when the
 * delete's tombstone arrives.
 */
export const MESSAGE_INDEX_STORE = 'message-index';

/** Why a record was dropped on purpose (label of leadwire_filtered_total). */
export type NormalizeDropReason = 'tombstone' | 'truncate' | 'type' | 'date' | 'duplicate';

export interface NormalizeStats {
  in: number;
  upserts: number;
  deletes: number;
  deadLettered: number;
  dropped: Record<NormalizeDropReason, number>;
}

export type NormalizeProcessor = Processor<Buffer, NormalizedMessage> & { readonly stats: NormalizeStats };

const EMPTY_PII: Readonly<PiiFacts> = Object.freeze({ emails: 0, phones: 0, cards: 0, ids: 0 });
const PLACEHOLDERS = /\[(?:email|phone|card|id)\]/g;

export function createNormalizeProcessor(cfg: NormalizeConfig): NormalizeProcessor {
  const acceptTypes = new Set(cfg.acceptTypes);
  const fromMs = cfg.fromDate ? cfg.fromDate.getTime() : Number.NEGATIVE_INFINITY;
  const toMs = cfg.toDate ? cfg.toDate.getTime() : Number.POSITIVE_INFINITY;
  const roleOf = createRoleResolver(cfg.roleMap, cfg.defaultRole);
  const dedupe = createDedupeCache(cfg.dedupeCacheSize);
  const rawCap = rawCapOf(cfg.maxBodyChars);
  // A huge body is only decoded as far as cleaning can read it (rawCap units).
  const decodeOpts: DecodeOptions = { bodyChars: rawCap };
  const stats: NormalizeStats = {
    in: 0, upserts: 0, deletes: 0, deadLettered: 0,
    dropped: { tombstone: 0, truncate: 0, type: 0, date: 0, duplicate: 0 },
  };
  let ctx!: ProcessorContext<NormalizedMessage>;
  let index!: MessageIndex;
  let log!: Logger;
  let filteredCounters!: Record<NormalizeDropReason, { inc(): void }>;

  const drop = (reason: NormalizeDropReason) => { stats.dropped[reason]++; filteredCounters[reason].inc(); };

  function deadLetter(record: StreamRecord<Buffer>, reason: string, message: string): void {
    stats.deadLettered++;
    ctx.deadLetter({ reason, message, original: rawBytes(record.value), originalKey: record.key });
  }

  function remember(id: string, conversationId: string, createdAt: number): void {
    index.remember(id, { c: conversationId, t: createdAt });
  }

  function onTombstone(record: StreamRecord<Buffer>): void {
    const id = messageIdFromKey(record.key);
    if (id !== null) index.forget(id);
    drop('tombstone');
  }

  function upsert(record: StreamRecord<Buffer>, change: DebeziumChange, row: WireMessageRow): void {
    const conversationId = row.conversationId;
    if (conversationId === null) {
      deadLetter(record, 'missing_conversation', `message ${row.id} has no conversation_id`);
      return;
    }
    const createdAt = row.createdAt ?? row.updatedAt ?? change.source.tsMs ?? record.timestamp;
    remember(row.id, conversationId, createdAt);
    const type = row.type ?? 'text';
    if (!acceptTypes.has(type)) { drop('type'); return; }
    if (createdAt < fromMs || createdAt > toMs) { drop('date'); return; }

    const rawBody = row.body ?? null;
    // Only what cleaning can read of the body is hashed (a 1 MB body is not
    // hashed end to end); a body decoded in part adds its full size.
    const fingerprint = `${row.id}|${change.op}|${row.updatedAt ?? change.source.tsMs}|${rawBody === null ? '-' : bodyFingerprint(rawBody, rawCap)}${row.bodyCut === undefined ? '' : `+${row.bodyCut}`}`;
    if (dedupe.seen(fingerprint)) { drop('duplicate'); return; }

    let body: string | null = null;
    let bodyUnchanged = false;
    let bodyTruncated = false;
    let pii: PiiFacts = { ...EMPTY_PII };
    if (rawBody === TOAST_PLACEHOLDER) {
      bodyUnchanged = true;
    } else if (rawBody !== null) {
      const cleaned = cleanText(rawBody, cfg.maxBodyChars);
      const redacted = redactPii(cleaned.text);
      body = redacted.text;
      pii = redacted.pii;
      bodyTruncated = cleaned.truncated;
    }
    const words = body ? countWords(body) : 0;
    const hasPii = pii.emails + pii.phones + pii.cards + pii.ids > 0;
    const language = body ? detectLanguage(hasPii ? body.replace(PLACEHOLDERS, ' ').trim() : body, words) : { code: 'und', confidence: 0, reliable: false };
    stats.upserts++;
    ctx.forward({
      key: conversationId,
      timestamp: createdAt,
      value: {
        schema: 'leadwire.messages.v1',
        op: 'upsert',
        sourceOp: change.op as 'c' | 'u' | 'r',
        id: row.id,
        conversationId,
        replyId: row.replyId,
        sender: { type: row.sendableType, id: row.sendableId, role: roleOf(row.sendableType) },
        type,
        body,
        bodyUnchanged,
        bodyTruncated,
        language: { ...language },
        pii,
        words,
        chars: body ? codePoints(body) : 0,
        createdAt,
        updatedAt: row.updatedAt,
        deletedAt: null,
        source: { ...change.source },
      },
    });
  }

  /** A hard delete (op d, row = before) or a soft delete (deleted_at set, row = after). */
  function remove(record: StreamRecord<Buffer>, change: DebeziumChange, row: WireMessageRow): void {
    const known = index.get(row.id);
    // The store wins over `before`: under REPLICA IDENTITY DEFAULT Debezium may
    // fill non-key NOT NULL columns of `before` with type defaults (0), and 0 is
    // never a real conversation id.
    const fromRow = row.conversationId !== null && row.conversationId !== '0' ? row.conversationId : null;
    const conversationId = change.op === 'd' ? (known?.c ?? fromRow) : (fromRow ?? known?.c ?? null);
    if (conversationId === null) {
      deadLetter(record, 'unresolvable_delete', `delete of message ${row.id}: no conversation_id in the event and none in ${MESSAGE_INDEX_STORE}`);
      return;
    }
    const createdAt = row.createdAt ?? known?.t ?? change.source.tsMs ?? record.timestamp;
    if (change.op !== 'd') remember(row.id, conversationId, createdAt);
    const deletedAt = row.deletedAt ?? change.source.tsMs ?? change.tsMs ?? record.timestamp;
    if (dedupe.seen(`${row.id}|${change.op}|del|${deletedAt}`)) { drop('duplicate'); return; }
    stats.deletes++;
    ctx.forward({
      key: conversationId,
      timestamp: createdAt,
      value: {
        schema: 'leadwire.messages.v1',
        op: 'delete',
        sourceOp: change.op as 'c' | 'u' | 'r' | 'd',
        id: row.id,
        conversationId,
        replyId: row.replyId,
        sender: { type: row.sendableType, id: row.sendableId, role: roleOf(row.sendableType) },
        type: row.type ?? 'text',
        body: null,
        bodyUnchanged: false,
        bodyTruncated: false,
        language: { code: 'und', confidence: 0, reliable: false },
        pii: { ...EMPTY_PII },
        words: 0,
        chars: 0,
        createdAt,
        updatedAt: row.updatedAt,
        deletedAt,
        source: { ...change.source },
      },
    });
  }

  return {
    stats,
    init(c) {
      ctx = c;
      index = createMessageIndex(c.getStore(MESSAGE_INDEX_STORE));
      log = c.logger.child({ module: 'normalize', partition: c.partition });
      const stageMetrics = c.metrics();
      const counter = (reason: NormalizeDropReason) => ({ inc: () => stageMetrics.filtered(reason) });
      filteredCounters = {
        tombstone: counter('tombstone'), truncate: counter('truncate'), type: counter('type'),
        date: counter('date'), duplicate: counter('duplicate'),
      };
    },
    process(record) {
      stats.in++;
      if (record.value === null || record.value === undefined) { onTombstone(record); return; }
      const decoded = decode(record.value as unknown, decodeOpts);
      if (!decoded.ok) { deadLetter(record, decoded.reason, decoded.message); return; }
      const change = decoded.change;
      if (change === null) { onTombstone(record); return; }
      switch (change.op) {
        case 't':
          // TRUNCATE names no rows; the windows of the truncated messages stay
          // until their TTL. Loud, because someone wiped the chat table.
          log.warn({ origin: record.origin, lsn: change.source.lsn }, 'TRUNCATE of wire_messages received: no per-message deletes can be derived; existing windows expire by TTL');
          drop('truncate');
          return;
        case 'd':
          remove(record, change, change.before!);
          return;
        default: {
          const after = change.after!;
          if (after.deletedAt !== null) remove(record, change, after);
          else upsert(record, change, after);
        }
      }
    },
    close() {},
  };
}

function decode(value: unknown, opts: DecodeOptions): DecodeResult {
  if (Buffer.isBuffer(value)) return decodeDebeziumValue(value, opts);
  if (typeof value === 'string') return decodeDebeziumValue(Buffer.from(value, 'utf8'), opts);
  if (value instanceof Uint8Array) return decodeDebeziumValue(Buffer.from(value.buffer, value.byteOffset, value.byteLength), opts);
  // Already parsed upstream (a `json` serde): ids above 2^53 may already be
  // rounded, which only the bytes serde avoids.
  return decodeDebeziumJson(value);
}

function rawBytes(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = s.charCodeAt(i) === 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}
