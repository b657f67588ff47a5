import { isUtf8 } from 'node:buffer';
import type { RecordOrigin } from '../stream/processor-api.js';

/** The record on leadwire.dlq.v1 (schemas/dlq.v1.json). */
export interface DeadLetterRecord {
  schema: 'leadwire.dlq.v1';
  stage: string;
  reason: string;
  message: string;
  origin: RecordOrigin | null;
  /** Original value bytes, base64 (null for a tombstone). */
  original: string | null;
  originalKey: string | null;
  /** The original as text when it is valid UTF-8 and small, for people reading the DLQ. */
  originalText?: string;
  at: string;
}

const toB64 = (v: Buffer | string | null | undefined): string | null =>
  v === null || v === undefined ? null : (Buffer.isBuffer(v) ? v : Buffer.from(v)).toString('base64');

export function buildDeadLetter(args: {
  stage: string; reason: string; message: string; origin?: RecordOrigin | undefined;
  original?: Buffer | string | null; originalKey?: Buffer | string | null; now: number;
}): { key: string | null; value: DeadLetterRecord; headers: Record<string, string> } {
  const original = args.original ?? null;
  const value: DeadLetterRecord = {
    schema: 'leadwire.dlq.v1',
    stage: args.stage,
    reason: args.reason,
    message: args.message.slice(0, 2000),
    origin: args.origin ?? null,
    original: toB64(original),
    originalKey: toB64(args.originalKey),
    at: new Date(args.now).toISOString(),
  };
  if (original !== null) {
    if (typeof original === 'string') {
      if (original.length <= 4096) value.originalText = original;
    } else if (original.length <= 4096 && isUtf8(original)) {
      value.originalText = original.toString('utf8');
    }
  }
  const o = args.origin;
  return {
    key: o ? `${o.topic}/${o.partition}/${o.offset}` : null,
    value,
    headers: { 'leadwire.reason': args.reason, 'leadwire.stage': args.stage },
  };
}
