// Debezium delivers at least once: after a connector restart it replays from
// the last committed offset, so the same change can arrive twice. A bounded
// LRU of recent fingerprints drops exact repeats cheaply; it is a courtesy to
// downstream stages, not a guarantee (the window replaces messages by id).
import { createHash } from 'node:crypto';

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
      // One lookup for the usual case, a new fingerprint: add, and see whether the set grew.
      const size = entries.size;
      entries.add(fingerprint);
      if (entries.size === size) {
        // Seen: refresh recency (a Set iterates in insertion order, oldest first).
        entries.delete(fingerprint);
        entries.add(fingerprint);
        return true;
      }
      if (entries.size > capacity) entries.delete(entries.values().next().value!);
      return false;
    },
    get size() { return entries.size; },
  };
}

/** Above this many units a body is hashed natively (SHA-1, several times faster than a JS loop on long text). */
const NATIVE_HASH_FROM = 1024;

/**
 * FNV-1a over UTF-16 units (SHA-1 of the UTF-8 for long bodies), plus the
 * length: enough to tell two versions of one message id apart (a collision
 * needs the same id, op and updated_at too). Only the first `limit` units are
 * hashed (the length still counts all of them): pass what the stage reads of
 * a body (clean-text's raw cap), so that a 1 MB body is not hashed end to end
 * when two versions that differ beyond it would normalize to the same message
 * anyway.
 */
export function bodyFingerprint(s: string, limit = Number.POSITIVE_INFINITY): string {
  const n = Math.min(s.length, limit);
  if (n > NATIVE_HASH_FROM) return `${s.length}:${createHash('sha1').update(n < s.length ? s.slice(0, n) : s).digest('base64')}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${s.length}.${(h >>> 0).toString(36)}`;
}
