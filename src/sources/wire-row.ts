// A wire_messages row as leadwire's sources see it, and the Debezium envelope
// the connector would produce for it (JsonConverter, schemas.enable=false,
// time.precision.mode=connect). Sources other than Debezium (samples, the
// query-based reader, files) go through the same normalize code by producing
// these envelopes.

export interface WireMessageRow {
  id: string;
  conversation_id: string;
  sendable_id: string | null;
  sendable_type: string | null;
  reply_id: string | null;
  body: string | null;
  type: string;
  kept_at: number | null;
  deleted_at: number | null;
  created_at: number;
  updated_at: number | null;
}

const ID_FIELDS = ['id', 'conversation_id', 'sendable_id', 'reply_id'] as const;

/**
 * JSON with the bigint ids written as bare numbers, exactly like Debezium does,
 * without passing through a JS number (which would round ids above 2^53).
 */
export function envelopeJson(row: WireMessageRow | null, before: WireMessageRow | null, op: 'c' | 'u' | 'd' | 'r', opts: { tsMs: number; lsn?: number; snapshot?: boolean }): string {
  const rowJson = (r: WireMessageRow | null) => {
    if (!r) return 'null';
    const parts: string[] = [];
    for (const [k, v] of Object.entries(r)) {
      if ((ID_FIELDS as readonly string[]).includes(k) && v !== null) {
        if (!/^-?\d+$/.test(String(v))) throw new Error(`${k} must be an integer, got ${String(v)}`);
        parts.push(`${JSON.stringify(k)}:${v}`);
      } else parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    return `{${parts.join(',')}}`;
  };
  const source = {
    version: '3.6.1.Final', connector: 'postgresql', name: 'wirechat', ts_ms: opts.tsMs,
    snapshot: opts.snapshot ? 'true' : 'false', db: 'wirechat', sequence: null, schema: 'public', table: 'wire_messages',
    txId: null, lsn: opts.lsn ?? null, xmin: null,
  };
  return `{"before":${rowJson(before)},"after":${rowJson(row)},"source":${JSON.stringify(source)},"op":"${op}","ts_ms":${opts.tsMs},"transaction":null}`;
}

export function keyJson(id: string): string {
  return `{"id":${id}}`;
}
