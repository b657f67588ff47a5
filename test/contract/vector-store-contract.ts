// The one contract every VectorStore implementation meets. Registered by
// test/unit/vector-store/contract.test.ts against each store it can reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointId, type VectorPayload, type VectorPoint, type VectorStore } from '../../src/ports/vector-store.js';

export interface ContractTarget {
  name: string;
  /** A fresh, empty store (a new collection / file) for each call. */
  open(): Promise<VectorStore>;
  /** Runs after every request the suite made; e.g. the schema-validating server's verdict. */
  afterAll?(): Promise<void> | void;
}

const DIMS = 8;

/** A unit vector pointing mostly along axis `i`, tilted by `tilt` towards axis i+1. */
export function axis(i: number, tilt = 0): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[i % DIMS] = 1;
  v[(i + 1) % DIMS] = tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function payload(conversationId: string, over: Partial<VectorPayload> = {}): VectorPayload {
  return {
    conversation_id: conversationId, chunk: 0, chunks: 1, language: 'es', tier: 'nurturing', label: null,
    first_message_at: 1_700_000_000_000, last_message_at: 1_700_000_060_000, snapshot_version: 1,
    content_hash: `h-${conversationId}`, text: `texto de ${conversationId}`, embedder: 'test', ...over,
  };
}

export function point(conversationId: string, chunk: number, vector: number[], over: Partial<VectorPayload> = {}): VectorPoint {
  return { id: pointId(conversationId, chunk), vector, payload: payload(conversationId, { chunk, ...over }) };
}

export function runVectorStoreContract(target: ContractTarget): void {
  describe(`VectorStore contract: ${target.name}`, () => {
    if (target.afterAll) afterAll(() => target.afterAll!());

    it('search on an empty store finds nothing and counts zero', async () => {
      const s = await target.open();
      expect(await s.search(axis(0), { limit: 5 })).toEqual([]);
      expect(await s.count()).toBe(0);
      await s.deleteConversation('nobody');
      expect(await s.labelOf('nobody')).toBeNull();
      await s.close();
    });

    it('returns the nearest points by cosine, best first, with payload and scores', async () => {
      const s = await target.open();
      await s.upsert([point('a', 0, axis(0)), point('b', 0, axis(0, 0.5)), point('c', 0, axis(3))]);
      const hits = await s.search(axis(0), { limit: 2 });
      expect(hits.map((h) => h.payload.conversation_id)).toEqual(['a', 'b']);
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      expect(hits[1]!.score).toBeCloseTo(1 / Math.hypot(1, 0.5), 4);
      expect(hits[0]!.id).toBe(pointId('a', 0));
      expect(hits[0]!.payload).toMatchObject({ tier: 'nurturing', language: 'es', text: 'texto de a', last_message_at: 1_700_000_060_000 });
      await s.close();
    });

    it('upserting the same ids again overwrites instead of duplicating (replays are idempotent)', async () => {
      const s = await target.open();
      await s.upsert([point('a', 0, axis(0)), point('a', 1, axis(1))]);
      await s.upsert([point('a', 0, axis(2), { tier: 'qualified' }), point('a', 1, axis(1))]);
      expect(await s.count()).toBe(2);
      const [hit] = await s.search(axis(2), { limit: 1 });
      expect(hit!.payload).toMatchObject({ conversation_id: 'a', chunk: 0, tier: 'qualified' });
      expect(hit!.score).toBeCloseTo(1, 4);
      await s.close();
    });

    it('filters by tier, language, label, last message time and excluded conversation', async () => {
      const s = await target.open();
      await s.upsert([
        point('q', 0, axis(0), { tier: 'qualified', language: 'es', last_message_at: 2000 }),
        point('n', 0, axis(0, 0.1), { tier: 'nurturing', language: 'en', last_message_at: 1000 }),
        point('u', 0, axis(0, 0.2), { tier: 'unqualified', language: 'es', label: 'bad', last_message_at: 3000 }),
      ]);
      const ids = async (f: Parameters<VectorStore['search']>[1]['filter']) => (await s.search(axis(0), { limit: 10, filter: f! })).map((h) => h.payload.conversation_id);
      expect(await ids({ tier: 'qualified' })).toEqual(['q']);
      expect(await ids({ tier: ['qualified', 'unqualified'] })).toEqual(['q', 'u']);
      expect(await ids({ language: 'en' })).toEqual(['n']);
      expect(await ids({ label: ['good', 'bad'] })).toEqual(['u']);
      expect(await ids({ lastMessageFrom: 2000 })).toEqual(['q', 'u']);
      expect(await ids({ excludeConversationId: 'q' })).toEqual(['n', 'u']);
      expect(await ids({ tier: 'unqualified', language: 'es', label: 'bad' })).toEqual(['u']);
      expect(await s.count({ language: 'es' })).toBe(2);
      await s.close();
    });

    it('deleting a conversation removes all its points and nothing else', async () => {
      const s = await target.open();
      await s.upsert([point('a', 0, axis(0)), point('a', 1, axis(1)), point('a', 2, axis(2)), point('b', 0, axis(0))]);
      await s.deleteConversation('a');
      expect(await s.count({ conversationId: 'a' })).toBe(0);
      expect(await s.count()).toBe(1);
      expect((await s.search(axis(1), { limit: 10 })).map((h) => h.payload.conversation_id)).toEqual(['b']);
      await s.close();
    });

    it('deletes points by id', async () => {
      const s = await target.open();
      await s.upsert([point('a', 0, axis(0)), point('a', 1, axis(1))]);
      await s.deletePoints([pointId('a', 1), pointId('zz', 9)]);
      expect(await s.count({ conversationId: 'a' })).toBe(1);
      await s.close();
    });

    it('patches tier and label on every point of a conversation', async () => {
      const s = await target.open();
      await s.upsert([point('a', 0, axis(0)), point('a', 1, axis(1)), point('b', 0, axis(2))]);
      await s.setConversationPayload('a', { label: 'good', tier: 'qualified' });
      expect(await s.labelOf('a')).toBe('good');
      expect(await s.labelOf('b')).toBeNull();
      expect(await s.count({ label: 'good' })).toBe(2);
      const hits = await s.search(axis(1), { limit: 1, filter: { tier: 'qualified' } });
      expect(hits[0]!.payload).toMatchObject({ conversation_id: 'a', chunk: 1, label: 'good', text: 'texto de a' });
      await s.close();
    });

    it('refuses vectors of another size than the collection holds', async () => {
      const s = await target.open();
      await s.ensureCollection(DIMS);
      await s.upsert([point('a', 0, axis(0))]);
      await expect(s.upsert([point('b', 0, [1, 0, 0])])).rejects.toThrow(/dimension/);
      await s.close();
    });
  });
}
