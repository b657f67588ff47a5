// Debezium delivers at least once: after a connector restart it replays from
// the last committed offset, so the same change can arrive twice. A bounded
// LRU of recent fingerprints drops exact repeats cheaply; it is a courtesy to
// downstream stages, not a guarantee (the window replaces messages by id).

export interface DedupeCache {
  /** True when `fingerprint` was seen recently; records it either way. */
  seen(fingerprint: string): boolean;
  readonly size: number;
}

export function createDedupeCache(capacity: number): DedupeCache {
  const entries = new Set<string>();
  return {
    seen(fingerprint) {
      if (capacity <= 0) return false;
      if (entries.has(fingerprint)) {
        // Refresh recency: a Set iterates in insertion order, oldest first.
        entries.delete(fingerprint);
        entries.add(fingerprint);
        return true;
      }
      entries.add(fingerprint);
      if (entries.size > capacity) entries.delete(entries.values().next().value!);
      return false;
    },
    get size() { return entries.size; },
  };
}

/**
 * FNV-1a over UTF-16 units, plus the length: enough to tell two versions of
 * one message id apart (a collision needs the same id, op and updated_at too).
 */
export function bodyFingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${s.length}.${(h >>> 0).toString(36)}`;
}
