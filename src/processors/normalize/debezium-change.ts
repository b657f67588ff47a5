// What one Debezium change event of `wire_messages` decodes to (debezium-envelope.ts).

/** Debezium's stand-in for an unchanged TOASTed column (unavailable.value.placeholder). */
export const TOAST_PLACEHOLDER = '__debezium_unavailable_value';

export type DebeziumOp = 'c' | 'u' | 'r' | 'd' | 't';

/** One wire_messages row image. Ids are exact decimal strings; times are epoch ms. */
export interface WireMessageRow {
  id: string;
  conversationId: string | null;
  sendableId: string | null;
  sendableType: string | null;
  replyId: string | null;
  /** undefined when the column is absent from the image (REPLICA IDENTITY DEFAULT `before`). */
  body: string | null | undefined;
  /**
   * Set only when `body` holds just the start of a longer text (see
   * DecodeOptions.bodyChars): the size in bytes of the whole body as it was
   * written in the JSON value (escaped).
   */
  bodyCut?: number;
  type: string | null;
  keptAt: number | null;
  deletedAt: number | null;
  createdAt: number | null;
  updatedAt: number | null;
}

export interface SourceInfo {
  lsn: string | null;
  txId: string | null;
  tsMs: number | null;
  snapshot: boolean;
  table: string | null;
}

export interface DebeziumChange {
  op: DebeziumOp;
  before: WireMessageRow | null;
  after: WireMessageRow | null;
  source: SourceInfo;
  /** When the connector processed the change (envelope ts_ms). */
  tsMs: number | null;
}

export type DecodeResult =
  | { ok: true; change: DebeziumChange }
  /** A null payload inside a schemas.enable=true wrapper: same meaning as a Kafka tombstone. */
  | { ok: true; change: null }
  | { ok: false; reason: DecodeFailure; message: string };

export type DecodeFailure = 'invalid_utf8' | 'invalid_json' | 'invalid_envelope' | 'invalid_row';
