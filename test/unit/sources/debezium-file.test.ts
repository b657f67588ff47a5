import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readDebeziumFile } from '../../../src/sources/debezium-file.js';
import { envelopeJson, keyJson } from '../../../src/sources/wire-row.js';

const row = (id: string, conv: string, body: string, at: number) => ({ id, conversation_id: conv, sendable_id: '7', sendable_type: 'App\\Models\\Customer', reply_id: null, body, type: 'text', kept_at: null, deleted_at: null, created_at: at, updated_at: at });

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-replay-'));
  const file = join(dir, 'events.jsonl');
  const t = Date.UTC(2026, 9, 1, 10);
  const lines = [
    '# captured from wirechat.public.wire_messages',
    envelopeJson(row('9007199254740993', '9007199254740995', 'Hola, necesito una cotización para 800 unidades', t), null, 'c', { tsMs: t }),
    JSON.stringify({ key: { id: 12 }, value: JSON.parse(envelopeJson(row('12', '77', 'How much is the X200?', t + 1000), null, 'c', { tsMs: t + 1000 })), timestamp: t + 1000 }),
    'this line is garbage',
    '',
    envelopeJson(row('9007199254740994', '9007199254740995', 'llámeme mañana por favor', t + 60_000), null, 'c', { tsMs: t + 60_000 }),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('readDebeziumFile', () => {
  it('reads envelopes and captured records, keeps bigint ids exact, passes garbage on for the DLQ', async () => {
    const out = [];
    for await (const b of readDebeziumFile(fixture(), 2)) out.push(...b);
    expect(out).toHaveLength(4);
    expect(out[0]!.key).toBe(keyJson('9007199254740993'));
    expect(String(out[0]!.value)).toContain('"conversation_id":9007199254740995');
    expect(out[1]!.key).toBe('{"id":12}');
    expect(out[2]!.value).toBe('this line is garbage');
    expect(out[3]!.timestamp).toBe(Date.UTC(2026, 9, 1, 10, 1));
  });

  it('`leadwire replay FILE --json` runs the topology and prints the latest signals', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/leadwire.js', 'replay', fixture(), '--json'], { env: { ...process.env, LOG_LEVEL: 'silent', QDRANT_URL: '' }, timeout: 60_000 });
    const recs = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const big = recs.find((r) => r.conversationId === '9007199254740995');
    expect(big.tier).toBe('qualified');
    expect(big.signals.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['asks_quote', 'asks_call']));
    expect(recs.find((r) => r.conversationId === '77')).toBeDefined();
  }, 60_000);
});
