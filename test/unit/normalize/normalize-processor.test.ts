import { describe, expect, it } from 'vitest';
import { MESSAGE_INDEX_STORE } from '../../../src/processors/normalize/normalize-processor.js';
import { makeDebeziumEvent, makeTombstone, type WireMessageRowInput } from '../../fixtures/debezium/make-event.js';
import { createHarness, fixture } from './harness.js';

const T = 1_714_557_600_000; // 2024-05-01T10:00:00Z, created_at of the fixtures' row

const row = (over: Partial<WireMessageRowInput> = {}): WireMessageRowInput => ({
  id: 501, conversation_id: 77, sendable_id: 9, sendable_type: 'App\\Models\\Customer',
  body: 'Hola, quisiera saber el precio', type: 'text', created_at: T, updated_at: T, ...over,
});

async function pipeFixture(h: Awaited<ReturnType<typeof createHarness>>, name: string) {
  const f = fixture(name);
  return h.pipe(f.key, f.value);
}

describe('normalize: Debezium ops', () => {
  it('turns an insert into an upsert keyed by conversation id, stamped with created_at', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert.json');
    expect(h.driver.outputs).toHaveLength(1);
    const out = h.driver.outputs[0]!.record;
    expect(out.key).toBe('1207');
    expect(out.timestamp).toBe(T);
    expect(out.value).toMatchObject({
      schema: 'leadwire.messages.v1', op: 'upsert', sourceOp: 'c', id: '48213', conversationId: '1207', replyId: null,
      sender: { type: 'App\\Models\\Customer', id: '5531', role: 'customer' }, type: 'text',
      body: 'Hola, quisiera saber el precio de 500 unidades', bodyUnchanged: false, bodyTruncated: false,
      language: { code: 'es', reliable: true }, pii: { emails: 0, phones: 0, cards: 0, ids: 0 },
      words: 8, chars: 46, createdAt: T, updatedAt: T, deletedAt: null,
      source: { lsn: '24023312', txId: '781', tsMs: T, snapshot: false, table: 'wire_messages' },
    });
    expect(h.driver.task.storeSize(MESSAGE_INDEX_STORE)).toBe(1);
    // Buckets of 100 ids: one changelog record per touched bucket and commit.
    expect(h.driver.changelog.filter((w) => w.store === MESSAGE_INDEX_STORE)).toEqual([{ store: MESSAGE_INDEX_STORE, key: 'b:482', value: { 13: ['1207', T] } }]);
  });

  it('accepts the schemas.enable=true shape by unwrapping payload', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert-schemas-enabled.json');
    expect(h.messages()).toHaveLength(1);
    expect(h.messages()[0]).toMatchObject({ id: '48213', conversationId: '1207', op: 'upsert', sourceOp: 'c' });
  });

  it('updates under REPLICA IDENTITY DEFAULT (no before) and FULL (before present) give the same upsert', async () => {
    const a = await createHarness();
    await pipeFixture(a, 'update-default.json');
    const b = await createHarness();
    await pipeFixture(b, 'update-full.json');
    for (const h of [a, b]) {
      expect(h.messages()).toHaveLength(1);
      expect(h.messages()[0]).toMatchObject({ op: 'upsert', sourceOp: 'u', body: 'Hola, quisiera saber el precio de 800 unidades', updatedAt: T + 60_000, createdAt: T });
    }
  });

  it('snapshot reads (source.snapshot "true" and "last") are upserts marked as snapshot', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'snapshot-read.json');
    await pipeFixture(h, 'snapshot-last.json');
    const [first, last] = h.messages();
    expect(first).toMatchObject({ op: 'upsert', sourceOp: 'r', id: '48100', conversationId: '1190', source: { snapshot: true } });
    expect(last).toMatchObject({ op: 'upsert', sourceOp: 'r', id: '48101', sender: { role: 'agent' }, source: { snapshot: true } });
  });

  it('a FULL delete carries its conversation in before', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'delete-full.json');
    expect(h.driver.deadLetters).toHaveLength(0);
    const out = h.driver.outputs[0]!.record;
    expect(out.key).toBe('1207');
    expect(out.value).toMatchObject({ op: 'delete', sourceOp: 'd', id: '48213', body: null, createdAt: T, deletedAt: T + 600_000 });
  });

  it('a DEFAULT (key-only) delete is routed through the message-index store written by the insert', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert.json');
    await pipeFixture(h, 'delete-default.json');
    const del = h.driver.outputs[1]!.record;
    expect(del.key).toBe('1207');
    expect(del.timestamp).toBe(T);
    expect(del.value).toMatchObject({ op: 'delete', sourceOp: 'd', id: '48213', conversationId: '1207', createdAt: T, deletedAt: T + 600_000, sender: { type: null, role: 'unknown' } });
  });

  it('a DEFAULT delete whose insert was never seen goes to the DLQ as unresolvable_delete', async () => {
    const h = await createHarness();
    const f = fixture('delete-default.json');
    await h.pipe(f.key, f.value);
    expect(h.driver.outputs).toHaveLength(0);
    expect(h.driver.deadLetters).toHaveLength(1);
    expect(h.driver.deadLetters[0]).toMatchObject({ reason: 'unresolvable_delete', originalKey: f.key });
    expect(Buffer.compare(h.driver.deadLetters[0]!.original as Buffer, f.value)).toBe(0);
  });

  it('prefers the store over a before image whose conversation_id Debezium filled with 0', async () => {
    const h = await createHarness();
    await h.pipe(...pipeArgs(makeDebeziumEvent(row(), 'c')));
    const del = makeDebeziumEvent(row(), 'd');
    const env = del.envelope as { before: Record<string, unknown> };
    env.before.conversation_id = 0;
    await h.pipe(del.key, Buffer.from(JSON.stringify(env, bigintJson)));
    expect(h.driver.outputs[1]!.record.key).toBe('77');
  });

  it('a tombstone is dropped (no output, no DLQ) and clears the store entry', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert.json');
    const t = makeTombstone(48213);
    await h.pipe(t.key, null);
    expect(h.driver.outputs).toHaveLength(1);
    expect(h.driver.deadLetters).toHaveLength(0);
    expect(h.driver.task.storeSize(MESSAGE_INDEX_STORE)).toBe(0);
    expect(h.processor.stats.dropped.tombstone).toBe(1);
  });

  it('a truncate forwards nothing and is counted', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert.json');
    const f = fixture('truncate.json');
    await h.pipe('{}', f.value);
    expect(h.driver.outputs).toHaveLength(1);
    expect(h.driver.deadLetters).toHaveLength(0);
    expect(h.processor.stats.dropped.truncate).toBe(1);
  });

  it('a soft delete (update setting deleted_at) becomes a delete', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'soft-delete.json');
    const out = h.driver.outputs[0]!.record;
    expect(out.key).toBe('1207');
    expect(out.value).toMatchObject({ op: 'delete', sourceOp: 'u', id: '48213', body: null, deletedAt: T + 300_000 });
  });

  it('a soft delete is not subject to the type and date filters', async () => {
    const h = await createHarness({ acceptTypes: ['text'], fromDate: '2030-01-01' });
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ type: 'image', deleted_at: T + 5000, updated_at: T + 5000 }), 'u')));
    expect(h.messages().map((m) => m.op)).toEqual(['delete']);
  });

  it('an unchanged TOAST body becomes body null with bodyUnchanged', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'update-toast.json');
    expect(h.messages()[0]).toMatchObject({ op: 'upsert', body: null, bodyUnchanged: true, words: 0, chars: 0, language: { code: 'und', reliable: false } });
  });
});

describe('normalize: ids and timestamps', () => {
  it('keeps bigint ids above 2^53 exact', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert-bigint.json');
    const out = h.driver.outputs[0]!.record;
    expect(out.key).toBe('9007199254740995');
    expect(out.value).toMatchObject({ id: '9007199254740993', conversationId: '9007199254740995', replyId: '9007199254740992', sender: { id: '18014398509481985' } });
    expect(h.driver.changelog.find((w) => w.store === MESSAGE_INDEX_STORE)).toMatchObject({ key: 'b:90071992547409', value: { 93: ['9007199254740995', expect.any(Number)] } });
  });

  it('bigint ids survive a key-only delete through the store', async () => {
    const h = await createHarness();
    const r = row({ id: 9007199254740993n, conversation_id: 12345678901234567n });
    await h.pipe(...pipeArgs(makeDebeziumEvent(r, 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(r, 'd')));
    expect(h.driver.outputs.map((o) => o.record.key)).toEqual(['12345678901234567', '12345678901234567']);
    expect(h.messages()[1]).toMatchObject({ op: 'delete', id: '9007199254740993' });
  });

  it('reads micro-second and ISO (ZonedTimestamp) timestamps as epoch ms', async () => {
    const h = await createHarness();
    await pipeFixture(h, 'insert-micro-timestamps.json');
    await pipeFixture(h, 'insert-zoned-timestamps.json');
    expect(h.messages().map((m) => m.createdAt)).toEqual([T + 123, T + 123]);
  });

  it('generated events in every time encoding agree', async () => {
    const h = await createHarness({ dedupeCacheSize: 0 });
    for (const timeEncoding of ['connect', 'micro', 'iso'] as const) {
      await h.pipe(...pipeArgs(makeDebeziumEvent(row({ created_at: '2024-05-01T10:00:00.250Z' }), 'c', { timeEncoding })));
    }
    expect(h.messages().map((m) => m.createdAt)).toEqual([T + 250, T + 250, T + 250]);
  });
});

describe('normalize: invalid input goes to the DLQ and processing continues', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['invalid JSON', Buffer.from('{"before": null, "after": {oops}'), 'invalid_json'],
    ['truncated JSON', fixture('insert.json').value.subarray(0, 300), 'invalid_json'],
    ['non-UTF-8 bytes', Buffer.concat([Buffer.from('{"op":"c","body":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), 'invalid_utf8'],
    ['a JSON array', Buffer.from('[1,2,3]'), 'invalid_envelope'],
    ['an unknown op', Buffer.from(JSON.stringify({ ...makeDebeziumEvent(row(), 'c').envelope, op: 'x' }, bigintJson)), 'invalid_envelope'],
    ['a create without after', Buffer.from(JSON.stringify({ ...makeDebeziumEvent(row(), 'c').envelope, after: null }, bigintJson)), 'invalid_envelope'],
    ['a missing source block', Buffer.from(JSON.stringify({ ...makeDebeziumEvent(row(), 'c').envelope, source: undefined }, bigintJson)), 'invalid_envelope'],
    ['conversation_id as garbage text', withAfter({ conversation_id: 'conv-12x' }), 'invalid_row'],
    ['id as a float', withAfter({ id: 12.5 }), 'invalid_row'],
    ['body as a number', withAfter({ body: 42 }), 'invalid_row'],
    ['created_at unreadable', withAfter({ created_at: 'yesterday-ish' }), 'invalid_row'],
    ['conversation_id null', withAfter({ conversation_id: null }), 'missing_conversation'],
  ];
  for (const [what, bytes, reason] of cases) {
    it(`${what} → ${reason}`, async () => {
      const h = await createHarness();
      await h.pipe('{"id":501}', bytes);
      expect(h.driver.outputs).toHaveLength(0);
      expect(h.driver.deadLetters).toHaveLength(1);
      const dl = h.driver.deadLetters[0]!;
      expect(dl.reason).toBe(reason);
      expect(dl.message.length).toBeGreaterThan(0);
      expect(Buffer.compare(dl.original as Buffer, bytes)).toBe(0);
      expect(dl.originalKey).toBe('{"id":501}');
      // The next good record still goes through.
      await h.pipe(...pipeArgs(makeDebeziumEvent(row(), 'c')));
      expect(h.driver.outputs).toHaveLength(1);
    });
  }
});

describe('normalize: bodies', () => {
  it('a 1 MB body is truncated to maxBodyChars and flagged, not dead-lettered', async () => {
    const h = await createHarness({ maxBodyChars: 2000 });
    const huge = 'Necesito cotizar 500 unidades. '.repeat(34_000); // ~1 MB
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ body: huge }), 'c')));
    expect(h.driver.deadLetters).toHaveLength(0);
    const m = h.messages()[0]!;
    expect(m.bodyTruncated).toBe(true);
    expect(m.chars).toBeLessThanOrEqual(2000);
    expect(m.body!.startsWith('Necesito cotizar 500 unidades.')).toBe(true);
  });

  it('empty and null bodies are forwarded without text', async () => {
    const h = await createHarness();
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 1, body: '' }), 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 2, body: null }), 'c')));
    expect(h.messages().map((m) => [m.body, m.words, m.chars, m.language.code])).toEqual([['', 0, 0, 'und'], [null, 0, 0, 'und']]);
  });

  it('strips markup and scripts, decodes entities, keeps emoji', async () => {
    const h = await createHarness();
    const body = '<p>Hola&nbsp;<b>equipo</b> 👋</p><script>alert("x")</script><style>p{}</style>Precio por 50 &amp; envío&#33;\u200b';
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ body }), 'c')));
    expect(h.messages()[0]!.body).toBe('Hola equipo 👋 Precio por 50 & envío!');
  });

  it('redacts PII and counts it, keeping quantities and money', async () => {
    const h = await createHarness();
    const body = 'Mi correo es ana.perez@empresa.co y mi cel +57 300 123 4567. Quiero 500 unidades por $ 12.500.000 en 2024';
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ body }), 'c')));
    const m = h.messages()[0]!;
    expect(m.body).toBe('Mi correo es [email] y mi cel [phone]. Quiero 500 unidades por $ 12.500.000 en 2024');
    expect(m.pii).toEqual({ emails: 1, phones: 1, cards: 0, ids: 0 });
  });

  it('detects language per message: short Spanish is unreliable, long English is reliable', async () => {
    const h = await createHarness();
    const bodies = ['Hola', 'El precio', 'Could you send me a quote for 200 units and the delivery time?', 'Necesito cotizar 200 unidades para mi empresa en Cali'];
    for (const [i, body] of bodies.entries()) await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: i + 1, body }), 'c')));
    expect(h.messages().map((m) => [m.language.code, m.language.reliable])).toEqual([['es', false], ['es', false], ['en', true], ['es', true]]);
    expect(h.messages()[0]!.language.confidence).toBeLessThan(0.5);
  });

  it('runs language detection on redacted text, so placeholders do not vote', async () => {
    const h = await createHarness();
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ body: 'mi correo ana@empresa.com y cel 3001234567' }), 'c')));
    expect(h.messages()[0]).toMatchObject({ body: 'mi correo [email] y cel [phone]', language: { code: 'es' }, pii: { emails: 1, phones: 1 } });
  });

  it('maps roles through the configured roleMap', async () => {
    const h = await createHarness({ roleMap: { 'App\\Models\\Customer': 'customer', 'App\\Models\\Operator': 'agent' }, defaultRole: 'bot', dedupeCacheSize: 0 });
    for (const [i, t] of ['App\\Models\\Customer', 'App\\Models\\Operator', 'App\\Models\\Robot', null].entries()) {
      await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: i + 1, sendable_type: t }), 'c')));
    }
    expect(h.messages().map((m) => m.sender.role)).toEqual(['customer', 'agent', 'bot', 'bot']);
  });
});

describe('normalize: filters and dedupe', () => {
  it('drops types outside acceptTypes (counted, not dead-lettered) but still indexes them for later deletes', async () => {
    const h = await createHarness({ acceptTypes: ['text'] });
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 1, type: 'attachment' }), 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 2, type: 'text' }), 'c')));
    expect(h.messages().map((m) => m.id)).toEqual(['2']);
    expect(h.driver.deadLetters).toHaveLength(0);
    expect(h.processor.stats.dropped.type).toBe(1);
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 1, type: 'attachment' }), 'd')));
    expect(h.messages().map((m) => [m.id, m.op])).toEqual([['2', 'upsert'], ['1', 'delete']]);
  });

  it('drops messages outside fromDate/toDate, but never deletes', async () => {
    const h = await createHarness({ fromDate: '2024-05-01T00:00:00Z', toDate: '2024-05-31T23:59:59Z' });
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 1, created_at: '2024-04-30T23:59:00Z' }), 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 2, created_at: '2024-05-15T12:00:00Z' }), 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 3, created_at: '2024-06-01T00:00:00Z' }), 'c')));
    await h.pipe(...pipeArgs(makeDebeziumEvent(row({ id: 1, created_at: '2024-04-30T23:59:00Z' }), 'd', { replicaIdentity: 'full' })));
    expect(h.messages().map((m) => [m.id, m.op])).toEqual([['2', 'upsert'], ['1', 'delete']]);
    expect(h.processor.stats.dropped.date).toBe(2);
  });

  it('drops an exact redelivery but not a real edit of the same message', async () => {
    const h = await createHarness();
    const ev = makeDebeziumEvent(row(), 'c');
    await h.pipe(...pipeArgs(ev));
    await h.pipe(...pipeArgs(ev)); // connector restart replays the same event
    const edit = makeDebeziumEvent(row({ body: 'Hola, quisiera saber el precio y el envío', updated_at: T + 1000 }), 'u');
    await h.pipe(...pipeArgs(edit));
    await h.pipe(...pipeArgs(edit));
    const del = makeDebeziumEvent(row(), 'd');
    await h.pipe(...pipeArgs(del));
    await h.pipe(...pipeArgs(del));
    expect(h.messages().map((m) => m.sourceOp)).toEqual(['c', 'u', 'd']);
    expect(h.processor.stats.dropped.duplicate).toBe(3);
  });

  it('with dedupeCacheSize 0 every redelivery passes (the window replaces by id)', async () => {
    const h = await createHarness({ dedupeCacheSize: 0 });
    const ev = makeDebeziumEvent(row(), 'c');
    await h.pipe(...pipeArgs(ev));
    await h.pipe(...pipeArgs(ev));
    expect(h.messages()).toHaveLength(2);
  });
});

function pipeArgs(ev: { key: string; value: Buffer }): [string, Buffer] {
  return [ev.key, ev.value];
}

function bigintJson(_k: string, v: unknown) {
  return typeof v === 'bigint' ? Number(v) : v;
}

function withAfter(patch: Record<string, unknown>): Buffer {
  const env = makeDebeziumEvent(row(), 'c').envelope as { after: Record<string, unknown> };
  return Buffer.from(JSON.stringify({ ...env, after: { ...env.after, ...patch } }, bigintJson));
}
