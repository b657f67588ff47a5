import { describe, expect, it } from 'vitest';
import { createMemoryResultCache } from '../../../src/policies/memory-result-cache.js';
import { resultCacheContract } from './result-cache-contract.js';

resultCacheContract('memory', async () => createMemoryResultCache());

describe('memory result cache', () => {
  it('is bounded: the least recently used entry goes first', async () => {
    const cache = createMemoryResultCache({ maxEntries: 2 });
    const k = (h: string) => ({ contentHash: h, promptVersion: 'p', model: 'm' });
    await cache.put(k('a'), { conversationId: 'c', value: 1, createdAt: 1 });
    await cache.put(k('b'), { conversationId: 'c', value: 2, createdAt: 2 });
    await cache.get(k('a'));
    await cache.put(k('c'), { conversationId: 'c', value: 3, createdAt: 3 });
    expect(await cache.get(k('b'))).toBeUndefined();
    expect((await cache.get(k('a')))?.value).toBe(1);
    expect((await cache.latest('c', 'p', 'm'))?.value).toBe(3);
  });
});
