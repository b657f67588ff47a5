// The LLM result cache port: answers keyed by (content hash, prompt version,
// model), so the same data never pays for a second call, across restarts when
// the implementation is durable (PostgreSQL). `latest` gives the newest entry
// of a conversation: its rolling summary and what the last call covered.
export interface CacheKey {
  /** sha256 of the exact data sent (transcript block, rolling summary, catalog version). */
  contentHash: string;
  /** Prompt version plus a digest of the prompt file and answer schema. */
  promptVersion: string;
  model: string;
}

export interface CacheEntry<V = unknown> {
  conversationId: string;
  value: V;
  /** Epoch ms when the answer was stored. */
  createdAt: number;
}

export interface ResultCache {
  readonly kind: 'memory' | 'postgres';
  get<V = unknown>(key: CacheKey): Promise<CacheEntry<V> | undefined>;
  /** Stores (or replaces) the entry for the key. */
  put<V = unknown>(key: CacheKey, entry: CacheEntry<V>): Promise<void>;
  /** The newest entry (by createdAt) of a conversation for this prompt version and model. */
  latest<V = unknown>(conversationId: string, promptVersion: string, model: string): Promise<CacheEntry<V> | undefined>;
  close(): Promise<void>;
}
