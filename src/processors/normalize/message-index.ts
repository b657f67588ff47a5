// message id → conversation, for deletes that carry only the key (REPLICA
// IDENTITY DEFAULT). Every upsert writes it, so one changelog record per
// message would double what normalize produces. Ids are bigserials, so
// neighbouring ids arrive together: entries live in buckets of 100 ids (the id
// without its last two digits), and a commit writes each touched bucket once.
import type { KeyValueStore } from '../../stream/processor-api.js';

export interface MessageIndexEntry {
  /** conversation_id (decimal string). */
  c: string;
  /** created_at, epoch ms (lets an operator prune old entries by age). */
  t: number;
}

/** A bucket: the last two digits of each id → [conversation_id, created_at]. */
export type MessageIndexBucket = Record<string, [string, number]>;

export interface MessageIndex {
  get(id: string): MessageIndexEntry | undefined;
  remember(id: string, entry: MessageIndexEntry): void;
  forget(id: string): void;
}

const BUCKET_PREFIX = 'b:';

function split(id: string): [bucket: string, slot: string] {
  // '-7' and '7' are their own buckets; ids are positive in practice.
  const cut = Math.max(0, id.length - 2);
  return [`${BUCKET_PREFIX}${id.slice(0, cut)}`, id.slice(cut)];
}

/**
 * Over the stage's `message-index` store. A bucket is changed in place and put
 * again (copying a hundred entries per message cost more than the rest of the
 * index): the store encodes it at commit, so a commit may carry entries of
 * records it does not commit yet. That is safe for this index only: each entry
 * is a fact about the row (id → conversation) that redoing those records
 * writes again, and a forgotten id is forgotten again by its redone tombstone.
 * Keys written by earlier versions (the plain id, one entry each) are still
 * read and removed.
 */
export function createMessageIndex(store: KeyValueStore<MessageIndexBucket | MessageIndexEntry>): MessageIndex {
  return {
    get(id) {
      const [b, slot] = split(id);
      const hit = (store.get(b) as MessageIndexBucket | undefined)?.[slot];
      if (hit) return { c: hit[0], t: hit[1] };
      return store.get(id) as MessageIndexEntry | undefined;
    },
    remember(id, entry) {
      const [b, slot] = split(id);
      const bucket = store.get(b) as MessageIndexBucket | undefined;
      const prev = bucket?.[slot];
      // Identical rewrites are skipped: every put is changelog bytes.
      if (prev && prev[0] === entry.c && prev[1] === entry.t) return;
      const next = bucket ?? {};
      next[slot] = [entry.c, entry.t];
      store.put(b, next);
    },
    forget(id) {
      const [b, slot] = split(id);
      const bucket = store.get(b) as MessageIndexBucket | undefined;
      if (bucket?.[slot]) {
        delete bucket[slot];
        if (Object.keys(bucket).length) store.put(b, bucket); else store.delete(b);
      }
      if (store.has(id)) store.delete(id);
    },
  };
}
