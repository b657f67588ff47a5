import { describe, expect, it } from 'vitest';
import { decodeDebeziumValue, messageIdFromKey, parseJsonExact } from '../../../src/processors/normalize/debezium-envelope.js';
import { bodyFingerprint, createDedupeCache } from '../../../src/processors/normalize/dedupe-cache.js';
import { createRoleResolver } from '../../../src/processors/normalize/resolve-role.js';
import { toEpochMs } from '../../../src/processors/normalize/timestamps.js';
import { fixture } from './harness.js';

describe('toEpochMs', () => {
  const ms = Date.UTC(2024, 4, 1, 10, 0, 0, 123);
  it.each([
    [ms, ms], [ms * 1000 + 456, ms], [BigInt(ms) * 1_000_000n + 789n, ms], [String(ms), ms],
    ['2024-05-01T10:00:00.123Z', ms], ['2024-05-01T10:00:00.123456Z', ms], ['2024-05-01T05:00:00.123-05:00', ms],
    ['2024-05-01 10:00:00.123', ms], [null, null], [undefined, null], ['not a date', null], [Number.NaN, null],
  ])('%s → %s', (input, expected) => {
    expect(toEpochMs(input)).toBe(expected);
  });
});

describe('decodeDebeziumValue', () => {
  it('parses ids above 2^53 exactly, and plain events without the slow parser', () => {
    const big = parseJsonExact('{"id": 9007199254740993, "x": 1.5}') as { id: bigint; x: number };
    expect(big.id).toBe(9007199254740993n);
    expect(big.x).toBe(1.5);
    const r = decodeDebeziumValue(fixture('insert-bigint.json').value);
    expect(r.ok && r.change?.after?.id).toBe('9007199254740993');
  });
  it('reads a key-only before image as a row with an absent body', () => {
    const r = decodeDebeziumValue(fixture('delete-default.json').value);
    expect(r.ok && r.change?.before).toMatchObject({ id: '48213', conversationId: null, createdAt: null });
  });
  it('treats a null payload in a schemas.enable=true wrapper as a tombstone', () => {
    expect(decodeDebeziumValue(Buffer.from('{"schema":{"type":"struct"},"payload":null}'))).toEqual({ ok: true, change: null });
  });
  it('rejects a delete without any before image (REPLICA IDENTITY NOTHING)', () => {
    const env = JSON.parse(fixture('delete-full.json').value.toString()) as Record<string, unknown>;
    const r = decodeDebeziumValue(Buffer.from(JSON.stringify({ ...env, before: null })));
    expect(r).toMatchObject({ ok: false, reason: 'invalid_envelope' });
  });
});

describe('messageIdFromKey', () => {
  it.each([
    ['{"id":123}', '123'], ['{"id": 9007199254740993}', '9007199254740993'],
    ['{"schema":{"type":"struct","fields":[{"field":"id"}]},"payload":{"id":42}}', '42'], ['{}', null], [null, null],
  ])('%s → %s', (key, id) => expect(messageIdFromKey(key)).toBe(id));
});

describe('createDedupeCache', () => {
  it('remembers at most capacity fingerprints, evicting the least recently seen', () => {
    const c = createDedupeCache(2);
    expect(c.seen('a')).toBe(false);
    expect(c.seen('b')).toBe(false);
    expect(c.seen('a')).toBe(true); // refreshes a
    expect(c.seen('c')).toBe(false); // evicts b
    expect(c.size).toBe(2);
    expect(c.seen('a')).toBe(true);
    expect(c.seen('b')).toBe(false);
  });
  it('capacity 0 disables it', () => {
    const c = createDedupeCache(0);
    expect(c.seen('a')).toBe(false);
    expect(c.seen('a')).toBe(false);
  });
  it('fingerprints differ for different bodies', () => {
    expect(bodyFingerprint('hola')).not.toBe(bodyFingerprint('hola!'));
    expect(bodyFingerprint('hola')).toBe(bodyFingerprint('hola'));
  });
});

describe('createRoleResolver', () => {
  const resolve = createRoleResolver({ 'App\\Models\\Customer': 'customer', 'App\\Models\\User': 'agent' }, 'unknown');
  it.each([
    ['App\\Models\\Customer', 'customer'], ['App\\Models\\User', 'agent'], ['customer', 'customer'],
    ['Modules\\Crm\\Models\\User', 'agent'], ['App\\Models\\Vendor', 'unknown'], [null, 'unknown'],
  ])('%s → %s', (type, role) => expect(resolve(type)).toBe(role));
});
