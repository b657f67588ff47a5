// The hand-written envelope decoder against the zod-based one it replaced
// (zod-envelope-reference.ts): on fixtures, generated traffic, hostile records
// and systematic mutations of every field, both must accept the same values
// with the same decoded change, and reject the rest with the same reason.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'lossless-json';
import { decodeDebeziumJson, decodeDebeziumValue } from '../../../src/processors/normalize/debezium-envelope.js';
import { cleanText, rawCapOf } from '../../../src/processors/normalize/clean-text.js';
import { makeDebeziumEvent } from '../../fixtures/debezium/make-event.js';
import { generateHostile } from '../../helpers/hostile.js';
import { referenceDecodeJson, referenceDecodeValue } from './zod-envelope-reference.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/debezium/', import.meta.url));
const T = 1_714_557_600_000;

function same(bytes: Buffer, what: string): void {
  const got = decodeDebeziumValue(bytes);
  const want = referenceDecodeValue(bytes);
  if (want.ok) {
    expect(got, what).toEqual(want);
  } else {
    expect(got.ok, what).toBe(false);
    expect(!got.ok && got.reason, what).toBe(want.reason);
    expect(!got.ok && got.message.length, what).toBeGreaterThan(0);
  }
}

// Values a column, an envelope field or a source field may hold in hostile input.
const ODD: Array<[string, string]> = [
  ['absent', ''], ['null', 'null'], ['true', 'true'], ['false', 'false'], ['0', '0'], ['-0', '-0'], ['neg', '-17'], ['float', '12.5'],
  ['exp', '1e20'], ['exp-small', '1e3'], ['big16', '1234567890123456'], ['big2^53+1', '9007199254740993'], ['big20', '18446744073709551615'],
  ['big21', '184467440737095516150'], ['str-digits', '"123"'], ['str-neg', '"-5"'], ['str-21', '"123456789012345678901"'], ['str-garbage', '"abc"'],
  ['str-iso', '"2024-05-01T10:00:00Z"'], ['str-bare-date', '"2024-05-01 10:00:00"'], ['str-empty', '""'], ['str-toast', '"__debezium_unavailable_value"'],
  ['micros', '1714557600000000'], ['nanos', '1714557600000000000'], ['obj', '{}'], ['arr', '[]'], ['arr1', '[1]'], ['float-big', '9007199254740993.5'],
];

/** The envelope text with `field` (a dotted path) replaced by `raw` JSON (or removed). */
function mutate(envelope: Record<string, unknown>, path: string[], raw: string): Buffer {
  const marker = '__MUTATION__';
  const copy = structuredClone(envelope) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const p of path.slice(0, -1)) {
    if (at[p] === null || typeof at[p] !== 'object') at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (raw === '') delete at[last]; else at[last] = marker;
  return Buffer.from(stringify(copy)!.replace(`"${marker}"`, raw));
}

describe('envelope decoder: same decisions as the zod reference', () => {
  it('on every fixture', () => {
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.json'))) same(readFileSync(`${FIXTURES}${f}`), f);
  });

  it('on hostile records', () => {
    const records = generateHostile({ count: 2000, seed: 3, startMs: T, firstId: 9_007_199_254_740_000n, conversationBase: 4_000_000n });
    for (const r of records) if (r.value !== null && r.kind !== 'body_1mb') same(r.value, r.kind);
    const short = generateHostile({ count: 2000, seed: 5, startMs: T, firstId: 48_000_000n, conversationBase: 4_000n });
    for (const r of short) if (r.value !== null && r.kind !== 'body_1mb') same(r.value, r.kind);
  });

  it('on every column, envelope and source field set to odd values', () => {
    const bases = [
      makeDebeziumEvent({ id: 501, conversation_id: 77, sendable_id: 9, sendable_type: 'App\\Models\\Customer', body: 'hola', type: 'text', created_at: T, updated_at: T }, 'c').envelope,
      makeDebeziumEvent({ id: 501, conversation_id: 77, body: 'hola', created_at: T }, 'd', { replicaIdentity: 'full' }).envelope,
      makeDebeziumEvent({ id: 501, conversation_id: 77, body: 'hola', created_at: T }, 'u', { replicaIdentity: 'full', timeEncoding: 'iso' }).envelope,
    ];
    const cols = ['id', 'conversation_id', 'sendable_id', 'sendable_type', 'reply_id', 'body', 'type', 'kept_at', 'deleted_at', 'created_at', 'updated_at'];
    const paths = [
      ...cols.flatMap((c) => [['after', c], ['before', c]]),
      ['op'], ['before'], ['after'], ['source'], ['ts_ms'],
      ['source', 'ts_ms'], ['source', 'snapshot'], ['source', 'table'], ['source', 'txId'], ['source', 'lsn'],
    ];
    let n = 0;
    for (const base of bases) {
      for (const path of paths) {
        for (const [name, raw] of [...ODD, ['op-c', '"c"'], ['op-d', '"d"'], ['op-t', '"t"'], ['op-x', '"x"'], ['row', '{"id":5}'], ['row-bad', '{"id":"x","body":3}']] as Array<[string, string]>) {
          same(mutate(base, path, raw), `${path.join('.')} = ${name}`);
          n++;
        }
      }
      // Two problems at once: the first in field order decides the reason.
      same(mutate(mutate2(base, ['op'], '"x"'), ['after', 'id'], 'true'), 'bad op and bad row');
      same(mutate(mutate2(base, ['source', 'ts_ms'], '"x"'), ['after', 'created_at'], '"never"'), 'bad source and bad row');
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('on non-object and malformed values', () => {
    for (const s of ['', ' ', '\n', '[1,2,3]', '"text"', '42', 'true', 'null', '{', '{}', '{"op":"c"}', ' {"op":"t","source":{}} ', '{"a":1}x', 'x{"a":1}', '\ufeff{}', '{"op":"c","after":{"id":1}}  \n', '{"op":"c","after":{"id":1},"source":{}} }', '{"schema":{},"payload":null}', '{"schema":{},"payload":[1]}', '{"schema":{},"payload":{"op":"c","after":{"id":12345678901234567},"source":{}}}']) {
      same(Buffer.from(s), JSON.stringify(s));
    }
  });

  it('on already-parsed values (json serde), bigints included', () => {
    const values: unknown[] = [
      null, 5, 'x', [], {},
      { op: 'c', after: { id: 9007199254740993n, conversation_id: 12n, created_at: 1714557600000000000n }, source: { ts_ms: 1n, lsn: 99999999999999999999n } },
      { op: 'c', after: { id: 1, conversation_id: Number.NaN }, source: {} },
      { op: 'c', after: { id: 1, created_at: Number.POSITIVE_INFINITY }, source: {} },
      { op: 'c', after: { id: 1, body: undefined }, source: { ts_ms: Number.NaN } },
      { schema: {}, payload: { op: 'r', after: { id: '77', conversation_id: '-3' }, source: { snapshot: true } } },
    ];
    for (const v of values) {
      const want = referenceDecodeJson(v);
      const got = decodeDebeziumJson(v);
      if (want.ok) expect(got).toEqual(want);
      else expect(!got.ok && got.reason).toBe(want.reason);
    }
  });

  it('keeps ids above 2^53 exact in a row image (parsed again losslessly)', () => {
    const ev = makeDebeziumEvent({ id: 9007199254740993n, conversation_id: 18446744073709551615n, reply_id: 12345678901234567n, body: 'x', created_at: T }, 'c');
    const r = decodeDebeziumValue(ev.value);
    expect(r.ok && r.change?.after).toMatchObject({ id: '9007199254740993', conversationId: '18446744073709551615', replyId: '12345678901234567' });
  });

  it('says what is wrong, cheaply and specifically', () => {
    const bad = decodeDebeziumValue(mutate(makeDebeziumEvent({ id: 1, conversation_id: 2, created_at: T }, 'c').envelope, ['after', 'conversation_id'], '"abc"'));
    expect(bad).toMatchObject({ ok: false, reason: 'invalid_row' });
    expect(!bad.ok && bad.message).toMatch(/^after\.conversation_id: expected an integer id .*got string "abc"$/);
    expect(decodeDebeziumValue(Buffer.from('definitely not json'))).toMatchObject({ ok: false, reason: 'invalid_json', message: expect.stringContaining('"definitely') });
    expect(decodeDebeziumValue(Buffer.from('{"before":null,"after":{"id":1'))).toMatchObject({ ok: false, reason: 'invalid_json', message: expect.stringContaining('truncated') });
    expect(decodeDebeziumValue(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'invalid_json', message: 'empty value' });
    expect(decodeDebeziumValue(Buffer.from('[1,2,3]'))).toMatchObject({ ok: false, reason: 'invalid_envelope', message: 'envelope: expected a JSON object, got an array' });
  });
});

describe('envelope decoder: a huge body decoded in part', () => {
  const max = 2000;
  const keep = rawCapOf(max);
  const big = (body: string, op: 'c' | 'u' = 'c') => makeDebeziumEvent({ id: 7, conversation_id: 8, body, created_at: T, updated_at: T }, op, { replicaIdentity: 'full' }).value;
  const texts: Array<[string, string]> = [
    ['ascii', 'x'.repeat(300_000)],
    ['spanish', 'Necesito cotizar 500 máquinas, ¿cuánto cuesta el envío? '.repeat(6000)],
    ['escapes', 'dijo "hola"\\ y\nluego\t<b>precio</b> \u00e9 '.repeat(8000)],
    ['emoji', '👩‍💻 hola 😀 '.repeat(30_000)],
    ['cjk', '价格是多少'.repeat(60_000)],
    ['markup', '<p>x</p> '.repeat(60_000)],
    ['body-like text', '"body":"x" \\"body\\":"y" '.repeat(20_000)],
  ];
  for (const [what, body] of texts) {
    it(`${what}: same decision, a long enough prefix, the same cleaned text`, () => {
      for (const op of ['c', 'u'] as const) {
        const bytes = big(body, op);
        const want = referenceDecodeValue(bytes);
        const got = decodeDebeziumValue(bytes, { bodyChars: keep });
        expect(want.ok && got.ok).toBe(true);
        if (!want.ok || !got.ok) return;
        for (const side of ['before', 'after'] as const) {
          const w = want.change![side];
          const g = got.change![side];
          if (!w) { expect(g).toBeNull(); continue; }
          const { body: wb, ...wRest } = w;
          const { body: gb, bodyCut, ...gRest } = g!;
          expect(gRest).toEqual(wRest);
          expect(wb!.startsWith(gb!)).toBe(true);
          if (bodyCut !== undefined) expect(gb!.length).toBeGreaterThan(keep + 1);
          else expect(gb).toBe(wb);
          expect(cleanText(gb!, max)).toEqual(cleanText(wb!, max));
        }
        expect({ ...got.change, before: null, after: null }).toEqual({ ...want.change, before: null, after: null });
      }
    });
  }
  it('cuts plain text (the 1 MB case) and says how big the whole body was', () => {
    const bytes = big('x'.repeat(1024 * 1024));
    const got = decodeDebeziumValue(bytes, { bodyChars: keep });
    expect(got.ok && got.change?.after?.bodyCut).toBe(1024 * 1024);
    expect(got.ok && got.change?.after?.body?.length).toBeLessThan(3 * keep);
  });
  it('a huge value that is not valid JSON beyond the cut is still invalid_json', () => {
    const pre = big('x'.repeat(300_000)).toString();
    const at = pre.indexOf('xxxx') + 250_000;
    const bad: Array<[string, string]> = [
      ['raw control character', `${pre.slice(0, at)}\u0001${pre.slice(at)}`],
      ['bad escape', `${pre.slice(0, at)}\\q${pre.slice(at)}`],
      ['bad unicode escape', `${pre.slice(0, at)}\\u12G4${pre.slice(at)}`],
      ['unterminated', `${pre.slice(0, at)}`.replace(/x+$/, 'xx') + '}'],
      ['raw newline', `${pre.slice(0, at)}\n${pre.slice(at)}`],
    ];
    for (const [what, text] of bad) {
      const bytes = Buffer.from(text);
      const want = referenceDecodeValue(bytes);
      expect(want.ok, what).toBe(false);
      expect(decodeDebeziumValue(bytes, { bodyChars: keep }), what).toMatchObject({ ok: false, reason: !want.ok && want.reason });
    }
  });
  it('a huge body inside a schemas.enable=true wrapper, and ids above 2^53, decode the same', () => {
    const ev = makeDebeziumEvent({ id: 9007199254740993n, conversation_id: 8, body: 'y'.repeat(300_000), created_at: T }, 'c', { schemas: true });
    const got = decodeDebeziumValue(ev.value, { bodyChars: keep });
    expect(got.ok && got.change?.after).toMatchObject({ id: '9007199254740993', bodyCut: 300_000 });
  });
});

function mutate2(envelope: Record<string, unknown>, path: string[], raw: string): Record<string, unknown> {
  return JSON.parse(mutate(envelope, path, raw).toString()) as Record<string, unknown>;
}
