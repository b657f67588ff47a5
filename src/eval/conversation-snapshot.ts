// Builds the ConversationSnapshot the window stage would emit for a whole
// labelled conversation (one session, nothing folded), so eval scores through
// extractRules exactly as production does.
import { createHash } from 'node:crypto';
import type { PiiFacts } from '../processors/normalize/message.js';
import type { ConversationSnapshot, TranscriptEntry } from '../processors/window/snapshot.js';
import type { LabelledConversation } from './labelled-conversation.js';

const STEP_MS = 5_000;
const NO_PII: PiiFacts = { emails: 0, phones: 0, cards: 0, ids: 0 };
const PHONE = /(?:\+?\d[\d\s().-]{6,}\d)/g;
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;

function toMs(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(n) ? n : fallback;
}

function piiOf(body: string): PiiFacts {
  const phones = (body.match(PHONE) ?? []).filter((m) => m.replace(/\D/g, '').length >= 7).length;
  const emails = (body.match(EMAIL) ?? []).length;
  return phones + emails ? { ...NO_PII, phones, emails } : NO_PII;
}

/** Language by a majority of cheap stopword votes; the extractor tries both catalogs' languages anyway. */
function guessLanguage(text: string): string {
  const w = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const es = w.filter((x) => ['el', 'la', 'de', 'que', 'quiero', 'precio', 'por', 'para', 'con', 'una', 'hola', 'gracias', 'cuanto', 'cuánto'].includes(x)).length;
  const en = w.filter((x) => ['the', 'i', 'to', 'a', 'my', 'you', 'is', 'for', 'can', 'want', 'me', 'how', 'what', 'please'].includes(x)).length;
  if (es === en) return 'und';
  return es > en ? 'es' : 'en';
}

export function snapshotFromConversation(conv: LabelledConversation, start = 0): ConversationSnapshot {
  const transcript: TranscriptEntry[] = conv.messages.map((m, i) => ({
    id: m.id ?? `${conv.conversation_id}-${i + 1}`,
    role: m.role,
    senderType: null,
    senderId: null,
    body: m.body.replace(/\s+/g, ' ').trim(),
    language: guessLanguage(m.body),
    createdAt: toMs(m.created_at, start + i * STEP_MS),
    repeat: 1,
    pii: piiOf(m.body),
  }));
  transcript.sort((a, b) => a.createdAt - b.createdAt);
  const counters = { customer: 0, agent: 0, bot: 0, unknown: 0, total: transcript.length };
  const responseTimesMs: number[] = [];
  let pendingCustomerAt: number | null = null;
  let lastCustomerMessageAt: number | null = null;
  for (const e of transcript) {
    counters[e.role]++;
    if (e.role === 'customer') {
      lastCustomerMessageAt = e.createdAt;
      pendingCustomerAt ??= e.createdAt;
    } else if (e.role === 'agent' && pendingCustomerAt !== null) {
      responseTimesMs.push(e.createdAt - pendingCustomerAt);
      pendingCustomerAt = null;
    }
  }
  const langs = transcript.filter((e) => e.role === 'customer' && e.language !== 'und').map((e) => e.language);
  const es = langs.filter((l) => l === 'es').length;
  const code = langs.length === 0 ? 'und' : es * 2 >= langs.length ? (es * 2 === langs.length ? 'und' : 'es') : 'en';
  const pii = transcript.reduce((p, e) => ({ emails: p.emails + e.pii.emails, phones: p.phones + e.pii.phones, cards: 0, ids: 0 }), { ...NO_PII });
  const hash = createHash('sha256').update(JSON.stringify(transcript.map((e) => [e.id, e.role, e.body]))).digest('hex');
  const first = transcript[0]!.createdAt;
  const last = transcript[transcript.length - 1]!.createdAt;
  return {
    schema: 'leadwire.conversations.v1',
    conversationId: conv.conversation_id,
    version: 1,
    contentHash: hash,
    reason: 'flush',
    triggers: [],
    transcript,
    folded: { messages: 0, customer: 0, agent: 0, chars: 0 },
    counters,
    firstMessageAt: first,
    lastMessageAt: last,
    lastCustomerMessageAt,
    responseTimesMs,
    language: { code, confidence: langs.length ? Math.max(es, langs.length - es) / langs.length : 0 },
    pii,
    contact: null,
    emittedAt: last,
  };
}
