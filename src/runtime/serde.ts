import type { Serde } from '../stream/stage.js';
import { decodeError } from '../core/errors.js';

export function encodeValue(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(JSON.stringify(value));
}

/** Decodes a topic value; throws a non-retriable decode error the runtime turns into a DLQ record. */
export function decodeValue(serde: Serde, bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  if (serde === 'bytes') return bytes;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw decodeError(`value is not valid JSON: ${(err as Error).message}`, err);
  }
}

export function decodeKey(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}
