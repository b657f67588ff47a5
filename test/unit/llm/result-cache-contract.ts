// One contract for every ResultCache implementation: the memory one runs in
// the unit suite, the PostgreSQL one in test/integration/llm-cache.test.ts.
import { describe, expect, it } from 'vitest';
import type { ResultCache } from '../../../src/ports/result-cache.js';

export function resultCacheContract(name: string, make: () => Promise<ResultCache>, opts: { restart?: () => Promise<ResultCache> } = {}) {
  describe(`ResultCache contract: ${name}`, () => {
    const uniq = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

    it('misses, then hits the exact (content hash, prompt version, model) it stored', async () => {
      const cache = await make();
      const key = { contentHash: `h-${uniq()}`, promptVersion: 'extract.v1@abc', model: 'm1' };
      expect(await cache.get(key)).toBeUndefined();
      await cache.put(key, { conversationId: 'c1', value: { answer: { summary: 'ñandú 🙂' }, n: 1 }, createdAt: 1_700_000_000_000 });
      expect(await cache.get(key)).toEqual({ conversationId: 'c1', value: { answer: { summary: 'ñandú 🙂' }, n: 1 }, createdAt: 1_700_000_000_000 });
      expect(await cache.get({ ...key, promptVersion: 'extract.v2@abc' })).toBeUndefined();
      expect(await cache.get({ ...key, model: 'm2' })).toBeUndefined();
      expect(await cache.get({ ...key, contentHash: `${key.contentHash}x` })).toBeUndefined();
      await cache.close();
    });

    it('put replaces the entry of the same key', async () => {
      const cache = await make();
      const key = { contentHash: `h-${uniq()}`, promptVersion: 'p', model: 'm' };
      await cache.put(key, { conversationId: 'c', value: { v: 1 }, createdAt: 1 });
      await cache.put(key, { conversationId: 'c', value: { v: 2 }, createdAt: 2 });
      expect((await cache.get<{ v: number }>(key))?.value.v).toBe(2);
      await cache.close();
    });

    it('latest returns the newest entry of a conversation for the prompt version and model', async () => {
      const cache = await make();
      const conv = `conv-${uniq()}`;
      await cache.put({ contentHash: `a-${conv}`, promptVersion: 'p', model: 'm' }, { conversationId: conv, value: { n: 1 }, createdAt: 1_000 });
      await cache.put({ contentHash: `b-${conv}`, promptVersion: 'p', model: 'm' }, { conversationId: conv, value: { n: 2 }, createdAt: 2_000 });
      await cache.put({ contentHash: `c-${conv}`, promptVersion: 'p', model: 'other' }, { conversationId: conv, value: { n: 3 }, createdAt: 3_000 });
      expect((await cache.latest<{ n: number }>(conv, 'p', 'm'))?.value.n).toBe(2);
      expect((await cache.latest<{ n: number }>(conv, 'p', 'other'))?.value.n).toBe(3);
      expect(await cache.latest(conv, 'p2', 'm')).toBeUndefined();
      expect(await cache.latest(`${conv}-none`, 'p', 'm')).toBeUndefined();
      await cache.close();
    });

    it('returned values are copies: mutating one does not change the cache', async () => {
      const cache = await make();
      const key = { contentHash: `h-${uniq()}`, promptVersion: 'p', model: 'm' };
      await cache.put(key, { conversationId: 'c', value: { list: [1] }, createdAt: 1 });
      const got = await cache.get<{ list: number[] }>(key);
      got!.value.list.push(2);
      expect((await cache.get<{ list: number[] }>(key))?.value.list).toEqual([1]);
      await cache.close();
    });

    if (opts.restart) {
      it('survives a restart', async () => {
        const cache = await make();
        const key = { contentHash: `h-${uniq()}`, promptVersion: 'p', model: 'm' };
        await cache.put(key, { conversationId: 'c', value: { kept: true }, createdAt: 5 });
        await cache.close();
        const again = await opts.restart!();
        expect((await again.get<{ kept: boolean }>(key))?.value.kept).toBe(true);
        await again.close();
      });
    }
  });
}
