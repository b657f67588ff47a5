// Builds the ConversationSnapshot that production would emit for a whole
// labelled conversation: each message goes through normalize's own cleaning,
// PII redaction and language detection, then through the window's transcript
// (applyMessage, budget folding) and renderer, as one session closed at the end.
// Eval thus scores exactly what the extract stage would see.
import { normalizeSchema, windowSchema } from '../config/schema.js';
import { cleanText } from '../processors/normalize/clean-text.js';
import { detectLanguage } from '../processors/normalize/detect-language.js';
import type { NormalizedMessage } from '../records/normalized-message.js';
import { redactPii } from '../processors/normalize/redact-pii.js';
import { renderSnapshot } from '../processors/window/render.js';
import type { ConversationSnapshot } from '../records/conversation-snapshot.js';
import { emptyState } from '../processors/window/state.js';
import { applyMessage, type Budget } from '../processors/window/transcript.js';
import type { LabelledConversation } from './labelled-conversation.js';

const STEP_MS = 5_000;
const PLACEHOLDERS = /\[(?:email|phone|card|id)\]/g;
const normalizeDefaults = normalizeSchema.parse({});
const windowDefaults = windowSchema.parse({});
const DEFAULT_BUDGET: Budget = { maxMessages: windowDefaults.maxMessages, maxChars: windowDefaults.maxChars };
const SENDER_TYPE = { customer: 'App\\Models\\Customer', agent: 'App\\Models\\User', bot: 'App\\Models\\Bot', unknown: null } as const;

function toMs(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(n) ? n : fallback;
}

/** The leadwire.messages.v1 record normalize would produce for this message. */
export function normalizedFromLabelled(conv: LabelledConversation, i: number, start: number): NormalizedMessage {
  const m = conv.messages[i]!;
  const cleaned = cleanText(m.body, normalizeDefaults.maxBodyChars);
  const { text: body, pii } = redactPii(cleaned.text);
  const words = body.split(/\s+/).filter(Boolean).length;
  const hasPii = pii.emails + pii.phones + pii.cards + pii.ids > 0;
  const language = body ? detectLanguage(hasPii ? body.replace(PLACEHOLDERS, ' ').trim() : body, words) : { code: 'und', confidence: 0, reliable: false };
  const createdAt = toMs(m.created_at, start + i * STEP_MS);
  // Window ids are bigint decimal strings: dataset ids that are not get the message's position.
  const id = m.id && /^\d{1,19}$/.test(m.id) ? m.id : String(i + 1);
  return {
    schema: 'leadwire.messages.v1', op: 'upsert', sourceOp: 'c', id, conversationId: conv.conversation_id, replyId: null,
    sender: { type: SENDER_TYPE[m.role], id: m.role === 'customer' ? '1' : '2', role: m.role },
    type: 'text', body, bodyUnchanged: false, language: { ...language }, pii, words, chars: [...body].length,
    createdAt, updatedAt: null, deletedAt: null,
    source: { lsn: null, txId: null, tsMs: createdAt, snapshot: false, table: 'wire_messages' },
  };
}

export function snapshotFromConversation(conv: LabelledConversation, start = 0, budget: Budget = DEFAULT_BUDGET): ConversationSnapshot {
  let st = emptyState(start);
  let last = start;
  for (let i = 0; i < conv.messages.length; i++) {
    const msg = normalizedFromLabelled(conv, i, start);
    last = Math.max(last, msg.createdAt);
    const res = applyMessage(st, msg, msg.createdAt, budget);
    if (res.dirty) st = { ...res.state, latestEventTime: Math.max(res.state.latestEventTime, msg.createdAt) };
  }
  return renderSnapshot(conv.conversation_id, st, 'flush', [], last, 1);
}
