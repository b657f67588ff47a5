// Shared setup for the window stage's unit tests.
import { windowSchema, type WindowConfig } from '../../../src/config/schema.js';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import { CONVERSATION_STORE, createWindowProcessor } from '../../../src/processors/window/window-processor.js';
import { windowStateCodec } from '../../../src/processors/window/state-codec.js';
import type { StageSpec } from '../../../src/stream/stage.js';
import { createTestDriver, ManualClock, type TestDriver } from '../../../src/runtime/test-driver.js';

export const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;

/** A stand-in for the rules catalog: price and quote questions are strong buying signals. */
export function simpleHot(m: NormalizedMessage): string[] {
  const text = (m.body ?? '').toLowerCase();
  const out: string[] = [];
  if (/precio|cu[aá]nto cuesta|price|how much/.test(text)) out.push('asks_price');
  if (/cotizaci[oó]n|quote/.test(text)) out.push('asks_quote');
  return out;
}

export function config(over: Partial<WindowConfig> = {}): WindowConfig {
  return windowSchema.parse(over);
}

export function windowSpec(cfg: WindowConfig, detectHot: (m: NormalizedMessage) => string[] = () => []): StageSpec<NormalizedMessage, ConversationSnapshot> {
  return {
    name: 'window',
    doc: 'per-conversation session window',
    input: { topic: 'leadwire.messages.v1', serde: 'json' },
    outputs: { default: { topic: 'leadwire.conversations.v1' } },
    // As in the topology: serialized, here with a tiny cache so every test also crosses decode paths.
    stores: [{ name: CONVERSATION_STORE, serialized: true, cacheSize: 2, codec: windowStateCodec, doc: 'conversation state' }],
    processor: () => createWindowProcessor(cfg, { detectHot }),
    concurrency: 1,
    timers: 'derived',
  };
}

export async function windowDriver(
  over: Partial<WindowConfig> = {},
  opts: { detectHot?: (m: NormalizedMessage) => string[]; clock?: ManualClock; restore?: TestDriver['changelog'] } = {},
): Promise<TestDriver> {
  return createTestDriver(windowSpec(config(over), opts.detectHot) as StageSpec, { clock: opts.clock ?? new ManualClock(T0), restore: opts.restore });
}

let nextId = 1000n;

/** A customer text message in conversation `c` at `at`; override anything. */
export function msg(over: Partial<NormalizedMessage> & { at?: number } = {}): NormalizedMessage {
  const { at, ...rest } = over;
  const createdAt = rest.createdAt ?? at ?? T0;
  const body = rest.body === undefined ? 'hola' : rest.body;
  const words = body ? body.split(/\s+/).filter(Boolean).length : 0;
  return {
    schema: 'leadwire.messages.v1',
    op: 'upsert',
    sourceOp: 'c',
    id: String(nextId++),
    conversationId: '42',
    replyId: null,
    sender: { type: 'App\\Models\\Customer', id: '7', role: 'customer' },
    type: 'text',
    body,
    bodyUnchanged: false,
    language: { code: 'es', confidence: words >= 3 ? 0.9 : 0.4, reliable: words >= 3 },
    pii: { emails: 0, phones: 0, cards: 0, ids: 0 },
    words,
    chars: body?.length ?? 0,
    createdAt,
    updatedAt: createdAt,
    deletedAt: null,
    source: { lsn: null, txId: null, tsMs: createdAt, snapshot: false, table: 'wire_messages' },
    ...rest,
  };
}

export function agent(over: Partial<NormalizedMessage> & { at?: number } = {}): NormalizedMessage {
  return msg({ sender: { type: 'App\\Models\\User', id: '3', role: 'agent' }, ...over });
}

/** An edit of `m` (same id) with a later updatedAt. */
export function edit(m: NormalizedMessage, body: string | null, updatedAt: number, over: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return { ...m, sourceOp: 'u', body, updatedAt, ...over };
}

/** A soft delete (deleted_at set) or, with hard = true, a hard delete of `m`. */
export function del(m: NormalizedMessage, at: number, hard = false): NormalizedMessage {
  return { ...m, op: 'delete', sourceOp: hard ? 'd' : 'u', body: null, updatedAt: hard ? m.updatedAt : at, deletedAt: hard ? null : at };
}

export function pipe(d: TestDriver, m: NormalizedMessage, timestamp = m.createdAt) {
  return d.pipe({ key: m.conversationId, value: m, timestamp });
}

/** Another conversation's message: moves stream time on the partition. */
export function tick(d: TestDriver, at: number, conversationId = 'other') {
  return pipe(d, msg({ conversationId, at, body: 'ok' }));
}

export function snaps(d: TestDriver, conversationId = '42'): ConversationSnapshot[] {
  return d.values<ConversationSnapshot>().filter((s) => s.conversationId === conversationId);
}
