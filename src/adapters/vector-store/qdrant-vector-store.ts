// The VectorStore on Qdrant (REST, @qdrant/js-client-rest). The collection is
// created on first use with cosine distance and the payload indexes search
// and scoring filter on; every write waits for Qdrant to apply it, so a
// committed Kafka offset never points past a vector that is not there.
import { QdrantClient, QdrantClientResourceExhaustedError, QdrantClientTimeoutError, type Schemas } from '@qdrant/js-client-rest';
import type { Logger } from 'pino';
import { LeadwireError } from '../../core/errors.js';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../../core/retry.js';
import { PAYLOAD_INDEXES, type ScoredPoint, type VectorFilter, type VectorPayload, type VectorPoint, type VectorStore } from '../../ports/vector-store.js';

export interface QdrantVectorStoreOptions {
  url: string;
  apiKey?: string;
  collection: string;
  /** Points per upsert request. */
  upsertBatchSize?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

type QdrantFilter = Schemas['Filter'];
type QdrantCondition = Schemas['Condition'];

const match = (key: string, v: string | string[]): QdrantCondition =>
  Array.isArray(v) ? { key, match: { any: v } } : { key, match: { value: v } };

export function toQdrantFilter(f: VectorFilter | undefined): QdrantFilter | undefined {
  if (!f) return undefined;
  const must: QdrantCondition[] = [];
  const mustNot: QdrantCondition[] = [];
  if (f.conversationId !== undefined) must.push(match('conversation_id', f.conversationId));
  if (f.tier !== undefined) must.push(match('tier', f.tier));
  if (f.language !== undefined) must.push(match('language', f.language));
  if (f.label !== undefined) must.push(match('label', f.label));
  if (f.lastMessageFrom !== undefined) must.push({ key: 'last_message_at', range: { gte: f.lastMessageFrom } });
  if (f.excludeConversationId !== undefined) mustNot.push(match('conversation_id', f.excludeConversationId));
  if (!must.length && !mustNot.length) return undefined;
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Client errors → LeadwireError with `retriable` as data. */
export function qdrantError(err: unknown, op: string): LeadwireError {
  if (err instanceof LeadwireError) return err;
  if (err instanceof QdrantClientTimeoutError) return new LeadwireError(`qdrant ${op} timed out`, { kind: 'timeout', cause: err });
  if (err instanceof QdrantClientResourceExhaustedError) {
    return new LeadwireError(`qdrant ${op} rate limited`, { kind: 'rate_limited', retryAfterMs: err.retry_after * 1000, cause: err });
  }
  const status = statusOf(err);
  if (status !== undefined) {
    const data = (err as { data?: { status?: { error?: string } } }).data;
    const detail = data?.status?.error ?? (err as Error).message;
    if (status === 429) return new LeadwireError(`qdrant ${op} rate limited: ${detail}`, { kind: 'rate_limited', cause: err, details: { status } });
    if (status === 408 || status >= 500) return new LeadwireError(`qdrant ${op} failed (${status}): ${detail}`, { kind: 'unavailable', cause: err, details: { status } });
    return new LeadwireError(`qdrant ${op} rejected (${status}): ${detail}`, { kind: 'upstream', retriable: false, cause: err, details: { status } });
  }
  // fetch() rejects with a TypeError when the server cannot be reached.
  if (err instanceof TypeError) return new LeadwireError(`qdrant unreachable during ${op}: ${err.message}`, { kind: 'unavailable', cause: err });
  return new LeadwireError(`qdrant ${op} failed: ${(err as Error)?.message ?? String(err)}`, { kind: 'internal', retriable: false, cause: err });
}

export function createQdrantVectorStore(opts: QdrantVectorStoreOptions): VectorStore {
  const client = new QdrantClient({
    url: opts.url,
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    // The version probe is a request nobody asked for and a warning on every start.
    checkCompatibility: false,
    timeout: opts.timeoutMs ?? 30_000,
  });
  const collection = opts.collection;
  const batchSize = opts.upsertBatchSize ?? 256;
  const retryPolicy = opts.retry ?? defaultRetryPolicy;
  let ensured: { dims: number; done: Promise<void> } | null = null;

  const run = <T>(op: string, fn: () => Promise<T>): Promise<T> =>
    withRetry(async () => { try { return await fn(); } catch (err) { throw qdrantError(err, op); } }, retryPolicy, {
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      onRetry: ({ attempt, delayMs, error }) => opts.logger?.warn({ op, attempt, delayMs, err: (error as Error).message }, 'qdrant call failed; retrying'),
    });

  const isNotFound = (err: unknown) => err instanceof LeadwireError && (err.details as { status?: number } | undefined)?.status === 404;

  async function createIfMissing(dims: number): Promise<void> {
    const { exists } = await run('collection_exists', () => client.collectionExists(collection));
    if (exists) {
      const info = await run('get_collection', () => client.getCollection(collection));
      const vectors = info.config?.params?.vectors as { size?: number } | undefined;
      if (vectors?.size !== undefined && vectors.size !== dims) {
        throw new LeadwireError(`qdrant collection ${collection} holds ${vectors.size}-dimensional vectors, the embedder makes ${dims}: set QDRANT_COLLECTION to a new collection for this model`, { kind: 'config', retriable: false });
      }
    } else {
      try {
        await run('create_collection', () => client.createCollection(collection, { vectors: { size: dims, distance: 'Cosine' } }));
      } catch (err) {
        // Another worker may have created it between our check and our create.
        const { exists: now } = await run('collection_exists', () => client.collectionExists(collection));
        if (!now) throw err;
      }
    }
    // Creating an index that exists is a no-op in Qdrant, so this is safe on every start.
    for (const [field, schema] of Object.entries(PAYLOAD_INDEXES)) {
      await run('create_payload_index', () => client.createPayloadIndex(collection, { field_name: field, field_schema: schema, wait: true }));
    }
  }

  const ensure = (dims: number): Promise<void> => {
    if (ensured && ensured.dims === dims) return ensured.done;
    if (ensured) return Promise.reject(new LeadwireError(`qdrant store opened with ${ensured.dims} dimensions, got ${dims}`, { kind: 'config', retriable: false }));
    const done = createIfMissing(dims);
    ensured = { dims, done };
    // A failed creation is tried again on the next call.
    done.catch(() => { if (ensured?.done === done) ensured = null; });
    return done;
  };

  /** Writes to a collection that does not exist yet have nothing to remove. */
  const tolerateMissing = async (op: () => Promise<unknown>) => {
    try { await op(); } catch (err) { if (!isNotFound(err)) throw err; }
  };

  return {
    kind: 'qdrant',
    ensureCollection: ensure,

    async upsert(points: VectorPoint[]) {
      if (points.length === 0) return;
      await ensure(points[0]!.vector.length);
      for (let i = 0; i < points.length; i += batchSize) {
        const batch = points.slice(i, i + batchSize).map((p) => ({ id: p.id, vector: p.vector, payload: p.payload as unknown as Record<string, unknown> }));
        await run('upsert', () => client.upsert(collection, { wait: true, points: batch }));
      }
    },

    async deletePoints(ids) {
      if (ids.length === 0) return;
      await tolerateMissing(() => run('delete_points', () => client.delete(collection, { wait: true, points: ids })));
    },

    async deleteConversation(conversationId) {
      await tolerateMissing(() => run('delete_conversation', () => client.delete(collection, { wait: true, filter: toQdrantFilter({ conversationId })! })));
    },

    async setConversationPayload(conversationId, patch) {
      await tolerateMissing(() => run('set_payload', () => client.setPayload(collection, { wait: true, payload: patch, filter: toQdrantFilter({ conversationId })! })));
    },

    async labelOf(conversationId) {
      try {
        const res = await run('scroll', () => client.scroll(collection, { filter: toQdrantFilter({ conversationId })!, limit: 1, with_payload: ['label'], with_vector: false }));
        const label = res.points[0]?.payload?.label;
        return label === 'good' || label === 'bad' ? label : null;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    async search(vector, { limit, filter }) {
      const f = toQdrantFilter(filter);
      try {
        const res = await run('query', () => client.query(collection, { query: vector, limit, with_payload: true, ...(f ? { filter: f } : {}) }));
        return res.points.map((p): ScoredPoint => ({ id: String(p.id), score: p.score, payload: p.payload as unknown as VectorPayload }));
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    },

    async count(filter) {
      const f = toQdrantFilter(filter);
      try {
        const res = await run('count', () => client.count(collection, { exact: true, ...(f ? { filter: f } : {}) }));
        return res.count;
      } catch (err) {
        if (isNotFound(err)) return 0;
        throw err;
      }
    },

    async close() {},
  };
}
