// In-process ResultCache for the embedded mode and tests: bounded (least
// recently used out), gone on restart.
import type { CacheEntry, CacheKey, ResultCache } from '../ports/result-cache.js';

const keyOf = (k: CacheKey) => `${k.model}\u0000${k.promptVersion}\u0000${k.contentHash}`;
const convOf = (conversationId: string, promptVersion: string, model: string) => `${model}\u0000${promptVersion}\u0000${conversationId}`;

export function createMemoryResultCache(opts: { maxEntries?: number } = {}): ResultCache {
  const max = opts.maxEntries ?? 10_000;
  const entries = new Map<string, CacheEntry>();
  // conversation → key of its newest entry
  const newest = new Map<string, { key: string; createdAt: number }>();

  return {
    kind: 'memory',
    async get<V>(key: CacheKey) {
      const k = keyOf(key);
      const e = entries.get(k);
      if (!e) return undefined;
      entries.delete(k);
      entries.set(k, e);
      return structuredClone(e) as CacheEntry<V>;
    },
    async put<V>(key: CacheKey, entry: CacheEntry<V>) {
      const k = keyOf(key);
      entries.delete(k);
      entries.set(k, structuredClone(entry) as CacheEntry);
      const c = convOf(entry.conversationId, key.promptVersion, key.model);
      const prev = newest.get(c);
      if (!prev || entry.createdAt >= prev.createdAt) newest.set(c, { key: k, createdAt: entry.createdAt });
      while (entries.size > max) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
      if (newest.size > max) {
        for (const [conv, ref] of newest) {
          if (!entries.has(ref.key)) newest.delete(conv);
          if (newest.size <= max) break;
        }
      }
    },
    async latest<V>(conversationId: string, promptVersion: string, model: string) {
      const ref = newest.get(convOf(conversationId, promptVersion, model));
      const e = ref && entries.get(ref.key);
      return e ? structuredClone(e) as CacheEntry<V> : undefined;
    },
    async close() { entries.clear(); newest.clear(); },
  };
}
