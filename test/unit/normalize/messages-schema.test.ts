// Every record normalize emits must satisfy the public contract in
// schemas/messages.v1.json, and the contract must reject what it forbids.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import { makeDebeziumEvent, makeTombstone } from '../../fixtures/debezium/make-event.js';
import { createHarness, fixture } from './harness.js';

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../../schemas/messages.v1.json', import.meta.url)), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const errors = () => ajv.errorsText(validate.errors);

const T = 1_714_557_600_000;

async function allOutputs(): Promise<NormalizedMessage[]> {
  const h = await createHarness({ acceptTypes: ['text'], maxBodyChars: 500, dedupeCacheSize: 0 });
  for (const name of [
    'insert.json', 'insert-schemas-enabled.json', 'update-default.json', 'update-full.json', 'update-toast.json',
    'snapshot-read.json', 'snapshot-last.json', 'soft-delete.json', 'delete-default.json', 'delete-full.json',
    'insert-bigint.json', 'insert-micro-timestamps.json', 'insert-zoned-timestamps.json', 'truncate.json',
  ]) {
    const f = fixture(name);
    await h.pipe(f.key, f.value);
  }
  const bodies = [null, '', 'x'.repeat(5000), '<b>cel</b> +57 300 123 4567, ana@x.co, 4111 1111 1111 1111, CC 79123456 👍', 'Hello, I need a quote for 50 units'];
  for (const [i, body] of bodies.entries()) {
    const ev = makeDebeziumEvent({ id: 9000 + i, conversation_id: 9007199254740997n, sendable_type: 'App\\Models\\Bot', body, created_at: T + i, updated_at: null }, 'c');
    await h.pipe(ev.key, ev.value);
  }
  const t = makeTombstone(48213);
  await h.pipe(t.key, null);
  return h.messages();
}

describe('schemas/messages.v1.json', () => {
  it('is a valid draft 2020-12 schema', () => {
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('accepts every record the processor emits for the fixture set', async () => {
    const outputs = await allOutputs();
    expect(outputs.length).toBe(18); // 13 fixtures with a row (truncate has none) + 5 generated
    expect(new Set(outputs.map((o) => o.op))).toEqual(new Set(['upsert', 'delete']));
    for (const m of outputs) {
      expect(validate(m), `${m.id}/${m.sourceOp}: ${errors()}`).toBe(true);
    }
  });

  it('rejects records that break the contract', async () => {
    const [good] = await allOutputs();
    const bad: Array<[string, unknown]> = [
      ['numeric id', { ...good, id: 48213 }],
      ['unknown op', { ...good, op: 'insert' }],
      ['delete with a body', { ...good, op: 'delete', deletedAt: T }],
      ['unchanged body with text', { ...good, bodyUnchanged: true }],
      ['unknown field', { ...good, extra: 1 }],
      ['missing pii', { ...good, pii: undefined }],
      ['bad role', { ...good, sender: { ...good!.sender, role: 'boss' } }],
      ['confidence above 1', { ...good, language: { ...good!.language, confidence: 1.5 } }],
    ];
    for (const [what, record] of bad) {
      expect(validate(JSON.parse(JSON.stringify(record))), what).toBe(false);
    }
  });
});
