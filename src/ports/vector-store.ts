import { uuidV5 } from '../core/uuid-v5.js';
// The VectorStore port: conversation chunks as points with a payload that
// search and scoring filter on. Qdrant in production, an exact in-process
// store in the embedded mode; one contract suite holds both to the same behaviour.

export type LeadLabel = 'good' | 'bad';

export interface VectorPayload {
  conversation_id: string;
  /** Chunk index within the conversation (0-based) and the conversation's chunk count. */
  chunk: number;
  chunks: number;
  language: string;
  tier: string;
  /** Feedback on the lead, when someone gave it. */
  label: LeadLabel | null;
  /** Epoch ms. */
  first_message_at: number;
  last_message_at: number;
  snapshot_version: number;
  content_hash: string;
  /** The chunk's text (already PII-redacted upstream): excerpts are cut from it at query time. */
  text: string;
  embedder: string;
}

export interface VectorPoint {
  id: string;
  vector: number[];
  payload: VectorPayload;
}

export interface VectorFilter {
  conversationId?: string;
  tier?: string | string[];
  language?: string | string[];
  label?: LeadLabel | LeadLabel[];
  /** Inclusive lower bound on last_message_at (epoch ms). */
  lastMessageFrom?: number;
  /** Conversations left out (the one being scored, when looking for its neighbours). */
  excludeConversationId?: string;
}

export interface ScoredPoint {
  id: string;
  /** Cosine similarity (vectors are unit length). */
  score: number;
  payload: VectorPayload;
}

export interface VectorStore {
  readonly kind: 'qdrant' | 'memory';
  /** Creates the collection if missing with this vector size; fails if it exists with another size. */
  ensureCollection(dimensions: number): Promise<void>;
  /** Inserts or overwrites by id; resolves when the write is durable/visible. */
  upsert(points: VectorPoint[]): Promise<void>;
  deletePoints(ids: string[]): Promise<void>;
  /** Removes every point of a conversation (hard delete upstream, erasure request). */
  deleteConversation(conversationId: string): Promise<void>;
  /** Updates payload fields of every point of a conversation (tier from scoring, label from feedback). */
  setConversationPayload(conversationId: string, patch: Partial<Pick<VectorPayload, 'tier' | 'label'>>): Promise<void>;
  /** The feedback label on a conversation's points (null when none or no points). */
  labelOf(conversationId: string): Promise<LeadLabel | null>;
  search(vector: number[], opts: { limit: number; filter?: VectorFilter }): Promise<ScoredPoint[]>;
  count(filter?: VectorFilter): Promise<number>;
  close(): Promise<void>;
}

export const PAYLOAD_INDEXES = {
  conversation_id: 'keyword',
  language: 'keyword',
  tier: 'keyword',
  label: 'keyword',
  last_message_at: 'integer',
} as const;

// A fixed namespace so the same (conversation, chunk) maps to the same id on
// every machine and replay: replays overwrite instead of duplicating.
export const POINT_ID_NAMESPACE = '6f0c3b9e-2d1a-5e4f-9b7c-1a2b3c4d5e6f';

export function pointId(conversationId: string, chunk: number): string {
  return uuidV5(`conversation:${conversationId}:chunk:${chunk}`, POINT_ID_NAMESPACE);
}
