import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isLosslessNumber, parse, stringify } from 'lossless-json';
import type { SourceRecord } from './source-record.js';

/**
 * Reads a file of Debezium events, one per line: either the envelope itself
 * (`{"before":…,"after":…,"op":…}`, with or without `{schema, payload}`) or a
 * captured Kafka record `{"key": …, "value": …, "timestamp"?: …}`. Numbers go
 * through lossless-json so bigint ids stay exact. Blank lines and lines starting
 * with `#` are skipped; a line that is not JSON is passed on as it is, so
 * normalize dead-letters it with the reason (nothing is dropped here).
 */
export async function* readDebeziumFile(path: string, batchSize = 500): AsyncGenerator<SourceRecord[]> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let batch: SourceRecord[] = [];
  let line = 0;
  for await (const text of rl) {
    line++;
    const t = text.trim();
    if (!t || t.startsWith('#')) continue;
    batch.push(toRecord(t, line));
    if (batch.length >= batchSize) { yield batch; batch = []; }
  }
  if (batch.length) yield batch;
}

function toRecord(text: string, line: number): SourceRecord {
  let doc: Record<string, unknown>;
  try { doc = parse(text) as Record<string, unknown>; } catch {
    return { key: `{"line":${line}}`, value: text, timestamp: Date.now() };
  }
  if (doc && typeof doc === 'object' && 'value' in doc && !('op' in doc) && !('payload' in doc)) {
    const value = doc.value === null ? '' : typeof doc.value === 'string' ? doc.value : stringify(doc.value)!;
    const key = doc.key === null || doc.key === undefined ? keyOf(doc.value) : typeof doc.key === 'string' ? doc.key : stringify(doc.key)!;
    return { key, value, timestamp: num(doc.timestamp) ?? Date.now() };
  }
  return { key: keyOf(doc), value: text, timestamp: num((doc.payload as Record<string, unknown> | undefined)?.ts_ms ?? doc.ts_ms) ?? Date.now() };
}

function keyOf(env: unknown): string {
  const e = (env && typeof env === 'object' && 'payload' in env ? (env as { payload: unknown }).payload : env) as Record<string, Record<string, unknown> | null> | null;
  const id = e?.after?.id ?? e?.before?.id;
  return id === undefined || id === null ? 'null' : `{"id":${isLosslessNumber(id) ? id.toString() : JSON.stringify(id)}}`;
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(isLosslessNumber(v) ? v.toString() : v);
  return Number.isFinite(n) ? n : undefined;
}
