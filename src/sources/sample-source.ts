import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envelopeJson, keyJson, type WireMessageRow } from './wire-row.js';

const sampleSchema = z.object({
  conversation_id: z.string().regex(/^\d+$/),
  customer_id: z.string().regex(/^\d+$/),
  agent_id: z.string().regex(/^\d+$/),
  messages: z.array(z.object({ role: z.enum(['customer', 'agent']), body: z.string(), offset_s: z.number().nonnegative() })),
});

export const SAMPLES_PATH = fileURLToPath(new URL('../../samples/conversations.jsonl', import.meta.url));
const START_MS = 1764000000000;

/** The bundled sample conversations as Debezium insert events, in commit order. */
export function sampleEvents(path = SAMPLES_PATH): Array<{ key: string; value: string; timestamp: number }> {
  const out: Array<{ key: string; value: string; timestamp: number }> = [];
  let id = 1;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  lines.forEach((line, i) => {
    const s = sampleSchema.parse(JSON.parse(line));
    const start = START_MS + i * 3_600_000;
    for (const m of s.messages) {
      const created = start + m.offset_s * 1000;
      const row: WireMessageRow = {
        id: String(id++), conversation_id: s.conversation_id,
        sendable_id: m.role === 'customer' ? s.customer_id : s.agent_id,
        sendable_type: m.role === 'customer' ? 'App\\Models\\Customer' : 'App\\Models\\User',
        reply_id: null, body: m.body, type: 'text', kept_at: null, deleted_at: null, created_at: created, updated_at: created,
      };
      out.push({ key: keyJson(row.id), value: envelopeJson(row, null, 'c', { tsMs: created, lsn: id * 100 }), timestamp: created });
    }
  });
  return out.sort((a, b) => a.timestamp - b.timestamp);
}
