import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQdrantVectorStore, toQdrantFilter } from '../../../src/adapters/vector-store/qdrant-vector-store.js';
import { pointId } from '../../../src/ports/vector-store.js';
import { uuidV5 } from '../../../src/core/uuid-v5.js';
import { LeadwireError } from '../../../src/core/errors.js';
import { startFakeQdrant, type FakeQdrant } from '../../helpers/fake-qdrant-server.js';
import { axis, point } from '../../contract/vector-store-contract.js';

let fake: FakeQdrant;
beforeAll(async () => { fake = await startFakeQdrant(); });
afterAll(async () => {
  // Every request the adapter sent matched Qdrant's published schema (the tests that break it on purpose remove theirs).
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const noWait = { retries: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 };
const post = (path: string, body: unknown, method = 'POST') => fetch(`${fake.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the OpenAPI-validating fake Qdrant', () => {
  it('rejects and records requests that break the published schema', async () => {
    const before = fake.violations.length;
    await post('/collections/x', { vectors: { size: 0, distance: 'Cosine' } }, 'PUT'); // size minimum 1
    await post('/collections/x', { vectors: { size: 4, distance: 'cosine' } }, 'PUT'); // enum is case-sensitive
    await post('/collections/x/points?wait=yes', { points: [] }, 'PUT'); // wait is boolean
    await post('/collections/x/points', { points: [{ id: 'not-a-uuid', vector: [1, 0, 0, 0] }] }, 'PUT');
    await post('/collections/x/points/delete', { filter: { must: [{ key: 'conversation_id', match: { value: { nested: 'a' } } }] } });
    await post('/collections/x/points/count', { filter: { muts: [] } }); // Filter has additionalProperties: false
    await post('/collections/x/points/search-typo', {});
    const got = fake.violations.slice(before);
    expect(got).toHaveLength(7);
    expect(got[0]).toMatch(/create_collection.*size/);
    expect(got[1]).toMatch(/create_collection/);
    expect(got[2]).toMatch(/query wait=yes/);
    expect(got[3]).toMatch(/upsert_points/);
    expect(got[4]).toMatch(/delete_points/);
    expect(got[5]).toMatch(/count_points.*additional properties/);
    expect(got[6]).toMatch(/no such operation/);
    fake.violations.splice(before);
  });

  it('records conditions it cannot evaluate: the published schema lets unknown keys of a FieldCondition through', async () => {
    await post('/collections/lenient', { vectors: { size: 4, distance: 'Cosine' } }, 'PUT');
    await post('/collections/lenient/points', { points: [{ id: 1, vector: [1, 0, 0, 0] }] }, 'PUT');
    const before = fake.violations.length;
    const res = await post('/collections/lenient/points/count', { filter: { must: [{ key: 'tier', mach: { value: 'a' } }] } });
    expect(res.status).toBe(500);
    expect(fake.violations.slice(before)).toEqual([expect.stringMatching(/does not evaluate condition/)]);
    fake.violations.splice(before);
  });

  it('accepts a well-formed request', async () => {
    const before = fake.violations.length;
    const res = await post('/collections/ok_1', { vectors: { size: 4, distance: 'Cosine' } }, 'PUT');
    expect(res.status).toBe(200);
    expect(fake.violations.length).toBe(before);
  });
});

// Faults a real Qdrant cannot be made to show on demand, through the fake; everything else about
// the adapter runs against the stack's real Qdrant (test/integration/qdrant.test.ts).
describe('Qdrant adapter under faults', () => {
  it('retries 5xx and 429 answers, then succeeds', async () => {
    const s = createQdrantVectorStore({ url: fake.url, collection: 'retry_1', retry: noWait });
    await s.ensureCollection(8);
    fake.failNext(2, 503);
    await s.upsert([point('a', 0, axis(0))]);
    fake.failNext(1, 429);
    expect(await s.count()).toBe(1);
  });

  it('does not retry a 4xx and reports it as not retriable', async () => {
    const s = createQdrantVectorStore({ url: fake.url, collection: 'retry_2', retry: noWait });
    await s.ensureCollection(8);
    const before = fake.requests.length;
    fake.failNext(1, 403);
    const err = await s.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeadwireError);
    expect((err as LeadwireError).retriable).toBe(false);
    expect(fake.requests.length - before).toBe(1);
  });

  it('gives up on a request that hangs past its timeout, reports it as a retriable timeout, and retries', async () => {
    const s = createQdrantVectorStore({ url: fake.url, collection: 'hang_1', timeoutMs: 200, retry: { ...noWait, retries: 0 } });
    await s.ensureCollection(8);
    fake.hangNext(1, 1_000);
    const err = await s.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeadwireError);
    expect((err as LeadwireError).kind).toBe('timeout');
    expect((err as LeadwireError).retriable).toBe(true);
    const retrying = createQdrantVectorStore({ url: fake.url, collection: 'hang_1', timeoutMs: 200, retry: noWait });
    fake.hangNext(1, 1_000);
    expect(await retrying.count()).toBe(0);
  });

  it('reports an unreachable server as retriable', async () => {
    const s = createQdrantVectorStore({ url: 'http://127.0.0.1:9', collection: 'x', retry: { ...noWait, retries: 0 } });
    const err = await s.count().catch((e: unknown) => e);
    expect((err as LeadwireError).retriable).toBe(true);
  });

  it('builds Qdrant filters from store filters', () => {
    expect(toQdrantFilter(undefined)).toBeUndefined();
    expect(toQdrantFilter({})).toBeUndefined();
    expect(toQdrantFilter({ tier: ['qualified'], lastMessageFrom: 5, excludeConversationId: 'c' })).toEqual({
      must: [{ key: 'tier', match: { any: ['qualified'] } }, { key: 'last_message_at', range: { gte: 5 } }],
      must_not: [{ key: 'conversation_id', match: { value: 'c' } }],
    });
  });
});

describe('point ids', () => {
  it('are RFC 4122 version 5 UUIDs, stable per conversation and chunk', () => {
    // Known vector: uuid5(DNS namespace, "python.org") from RFC-conformant implementations.
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(pointId('42', 0)).toBe(pointId('42', 0));
    expect(pointId('42', 0)).not.toBe(pointId('42', 1));
    expect(pointId('42', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
