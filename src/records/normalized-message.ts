// The record on leadwire.messages.v1 (JSON Schema: schemas/messages.v1.json).
// Key: conversation_id as a decimal string. Ids are decimal strings because
// wire_messages ids are bigint and JSON numbers lose precision above 2^53.

export type Role = 'customer' | 'agent' | 'bot' | 'unknown';

export interface PiiFacts {
  emails: number;
  phones: number;
  cards: number;
  ids: number;
}

export interface NormalizedMessage {
  schema: 'leadwire.messages.v1';
  /** upsert: insert, update or snapshot read; delete: hard delete or soft delete (deleted_at set). */
  op: 'upsert' | 'delete';
  /** Debezium op that produced it: c, u, r, d. */
  sourceOp: 'c' | 'u' | 'r' | 'd';
  id: string;
  conversationId: string;
  replyId: string | null;
  sender: { type: string | null; id: string | null; role: Role };
  type: string;
  /** Cleaned and redacted text; null when deleted, or unchanged-TOAST (see bodyUnchanged). */
  body: string | null;
  /** True when Debezium sent the unavailable-value placeholder: keep the previous body. */
  bodyUnchanged: boolean;
  /** True when the body was cut to normalize.maxBodyChars (always set by normalize; optional for older producers). */
  bodyTruncated?: boolean;
  language: { code: 'es' | 'en' | 'und' | string; confidence: number; reliable: boolean };
  pii: PiiFacts;
  words: number;
  chars: number;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number | null;
  deletedAt: number | null;
  source: { lsn: string | null; txId: string | null; tsMs: number | null; snapshot: boolean; table: string | null };
}
