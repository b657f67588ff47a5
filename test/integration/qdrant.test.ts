// The stack's real Qdrant: the VectorStore contract, what the adapter does to a collection, and the
// fake used for fault injection (test/helpers/fake-qdrant-server.ts) checked against the real server
// on the operations the fault tests rely on.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { QdrantClient } from '@qdrant/js-client-rest';
import { createQdrantVectorStore } from '../../src/adapters/vector-store/qdrant-vector-store.js';
import { pointId } from '../../src/ports/vector-store.js';
import { QDRANT_VERSION } from '../../src/stack/qdrant.js';
import { axis, point, runVectorStoreContract } from '../contract/vector-store-contract.js';
import { startFakeQdrant, type FakeQdrant } from '../helpers/fake-qdrant-server.js';
import { stackEnv } from '../helpers/stack-env.js';

const env = stackEnv();
const run = randomBytes(3).toString('hex');
const client = new QdrantClient({ url: env.qdrantUrl, checkCompatibility: false });
const created: string[] = [];
let n = 0;
const collection = (what: string) => {
  const name = `it_${what}_${run}_${n++}`;
  created.push(name);
  return name;
};

afterAll(async () => {
  for (const c of created) await client.deleteCollection(c).catch(() => undefined);
});

describe('the stack Qdrant', () => {
  it('is the pinned server version', async () => {
    const info = (await (await fetch(`${env.qdrantUrl}/`)).json()) as { version: string };
    expect(info.version).toBe(QDRANT_VERSION);
  });
});

runVectorStoreContract({
  name: `real Qdrant ${QDRANT_VERSION} (${env.qdrantUrl})`,
  open: async () => createQdrantVectorStore({ url: env.qdrantUrl, collection: collection('contract') }),
});

describe('Qdrant adapter on a real server', () => {
  it('creates the collection with cosine distance, the vector size and the payload indexes', async () => {
    const name = collection('create');
    const s = createQdrantVectorStore({ url: env.qdrantUrl, collection: name });
    await s.upsert([point('a', 0, axis(0))]);
    const info = await client.getCollection(name);
    expect(info.config.params.vectors).toMatchObject({ size: 8, distance: 'Cosine' });
    expect(Object.fromEntries(Object.entries(info.payload_schema).map(([k, v]) => [k, v?.data_type]))).toEqual({
      conversation_id: 'keyword', language: 'keyword', tier: 'keyword', label: 'keyword', last_message_at: 'integer',
    });
    // A second store on the same collection (another worker, a restart) finds it and adds nothing.
    const again = createQdrantVectorStore({ url: env.qdrantUrl, collection: name });
    await again.upsert([point('b', 0, axis(1))]);
    expect(await again.count()).toBe(2);
  });

  it('refuses an existing collection of another vector size, saying how to fix it', async () => {
    const name = collection('size');
    await client.createCollection(name, { vectors: { size: 3, distance: 'Cosine' } });
    const s = createQdrantVectorStore({ url: env.qdrantUrl, collection: name });
    await expect(s.upsert([point('a', 0, axis(0))])).rejects.toThrow(/holds 3-dimensional vectors.*QDRANT_COLLECTION/);
  });

  it('writes large upserts in batches and reads every point back', async () => {
    const s = createQdrantVectorStore({ url: env.qdrantUrl, collection: collection('batch'), upsertBatchSize: 10 });
    await s.upsert(Array.from({ length: 25 }, (_, i) => point(`c${i}`, 0, axis(i, i / 25))));
    expect(await s.count()).toBe(25);
    expect(await s.count({ conversationId: 'c7' })).toBe(1);
  });
});

describe('the fault-injecting fake answers like the real server', () => {
  let fake: FakeQdrant;
  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  /** The same requests to both servers; the answers must agree. */
  async function exchange(url: string, name: string) {
    const c = new QdrantClient({ url, checkCompatibility: false });
    const out: Record<string, unknown> = {};
    out.missingCount = await c.count(name, { exact: true }).then(() => 'ok', (e: { status?: number }) => e.status);
    await c.createCollection(name, { vectors: { size: 8, distance: 'Cosine' } });
    const points = Array.from({ length: 11 }, (_, i) => ({
      id: pointId(`p${i}`, 0), vector: axis(i % 8, (i + 1) / 12), payload: { conversation_id: `p${i}`, tier: i % 3 === 0 ? 'qualified' : 'nurturing', last_message_at: i },
    }));
    await c.upsert(name, { wait: true, points });
    out.wrongSize = await c.upsert(name, { wait: true, points: [{ id: pointId('x', 0), vector: [1, 0, 0], payload: {} }] }).then(() => 'ok', (e: { status?: number }) => e.status);
    // Scroll every page with the offset the previous page handed back.
    const pages: unknown[][] = [];
    let offset: string | number | null | undefined;
    do {
      const page = await c.scroll(name, { limit: 4, with_payload: ['conversation_id'], with_vector: false, ...(offset != null ? { offset } : {}) });
      pages.push(page.points.map((p) => [p.id, p.payload?.conversation_id]));
      offset = page.next_page_offset as string | number | null | undefined;
    } while (offset != null && pages.length < 10);
    out.pages = pages;
    const filtered = await c.scroll(name, { limit: 2, filter: { must: [{ key: 'tier', match: { value: 'qualified' } }] }, with_payload: false, with_vector: false });
    out.filteredScroll = { ids: filtered.points.map((p) => p.id), next: filtered.next_page_offset };
    out.count = (await c.count(name, { exact: true, filter: { must: [{ key: 'last_message_at', range: { gte: 5 } }] } })).count;
    const hits = await c.query(name, { query: axis(2, 0.1), limit: 3, with_payload: ['conversation_id'] });
    out.query = hits.points.map((p) => [p.payload?.conversation_id, Math.round(p.score * 1e4) / 1e4]);
    await c.setPayload(name, { wait: true, payload: { label: 'good' }, filter: { must: [{ key: 'conversation_id', match: { value: 'p4' } }] } });
    await c.delete(name, { wait: true, points: [pointId('p5', 0)] });
    const after = await c.scroll(name, { limit: 20, filter: { must: [{ key: 'conversation_id', match: { any: ['p4', 'p5'] } }] }, with_payload: ['label'], with_vector: false });
    out.afterWrites = after.points.map((p) => [p.id, p.payload?.label]);
    return out;
  }

  it('on collections, upsert, scroll pages with offset, filters, count, query, payload and delete', async () => {
    fake = await startFakeQdrant();
    const name = collection('parity');
    const real = await exchange(env.qdrantUrl, name);
    const double = await exchange(fake.url, name);
    expect((real.pages as unknown[][]).length).toBe(3);
    expect(double).toEqual(real);
  });
});
