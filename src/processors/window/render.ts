// Turns the compact state into the public ConversationSnapshot. Everything
// derived (counters, times, response times, language, PII totals) is computed
// here from the transcript plus the folded counters instead of being stored.
import type { PiiFacts } from '../../records/normalized-message.js';
import { contentHash } from './content-hash.js';
import type { ConversationSnapshot, EmitReason, TranscriptEntry } from '../../records/conversation-snapshot.js';
import type { Pii4, WindowState } from './state.js';
import { roleIndex, roleOf } from './state.js';
import { collapse } from './transcript.js';

const ZERO: Pii4 = [0, 0, 0, 0];

function pii(p: Pii4 | undefined): PiiFacts {
  const [emails, phones, cards, ids] = p ?? ZERO;
  return { emails, phones, cards, ids };
}

/** The language carrying most reliable characters; 'und' when no message was reliable. */
export function decideLanguage(weights: Map<string, number>): { code: string; confidence: number } {
  let total = 0;
  let best = 'und';
  let bestW = 0;
  for (const [code, w] of weights) {
    total += w;
    if (code === 'und') continue;
    if (w > bestW || (w === bestW && code < best)) { best = code; bestW = w; }
  }
  if (!total || !bestW) return { code: 'und', confidence: 0 };
  return { code: best, confidence: Math.round((bestW / total) * 1000) / 1000 };
}

export function renderSnapshot(
  conversationId: string, st: WindowState, reason: EmitReason, triggers: string[], emittedAt: number, version: number,
): ConversationSnapshot {
  const m = st.messages;
  const f = st.folded;
  const transcript: TranscriptEntry[] = [];
  const totals: Pii4 = f?.pii ? [...f.pii] as Pii4 : [0, 0, 0, 0];
  for (const g of collapse(st)) {
    const first = m[g.start]!;
    const [senderType, senderId, role] = st.senders[first.sender] ?? [null, null, 'unknown'];
    const entry: TranscriptEntry = {
      id: first.id, role, senderType, senderId, body: first.body, language: first.language,
      createdAt: first.createdAt, repeat: g.count, pii: pii(first.pii),
    };
    if (g.count > 1) entry.repeatIds = m.slice(g.start + 1, g.start + g.count).map((x) => x.id);
    // A repeated text carries the same PII: counted once per entry.
    if (first.pii) for (let i = 0; i < 4; i++) totals[i]! += first.pii[i]!;
    transcript.push(entry);
  }

  const n = f ? [...f.roleCounts] : [0, 0, 0, 0];
  const weights = new Map<string, number>(Object.entries(f?.languageWeights ?? {}));
  let lastCustomer: number | null = f?.lastCustomerAt ?? null;
  let pc: number | undefined = f?.unansweredSince;
  const responseTimesMs = f?.responseTimes ? f.responseTimes.slice() : [];
  for (const x of m) {
    const role = roleOf(st, x);
    n[roleIndex(role)]!++;
    if (x.languageReliable) weights.set(x.language, (weights.get(x.language) ?? 0) + x.body.length);
    if (role === 'customer') {
      lastCustomer = x.createdAt;
      if (pc === undefined) pc = x.createdAt;
    } else if (role === 'agent' && pc !== undefined) {
      responseTimesMs.push(x.createdAt - pc);
      pc = undefined;
    }
  }
  const counters = { customer: n[0]!, agent: n[1]!, bot: n[2]!, unknown: n[3]!, total: n[0]! + n[1]! + n[2]! + n[3]! };
  const folded = { messages: f ? f.roleCounts[0] + f.roleCounts[1] + f.roleCounts[2] + f.roleCounts[3] : 0, customer: f?.roleCounts[0] ?? 0, agent: f?.roleCounts[1] ?? 0, chars: f?.chars ?? 0 };
  const contactRef = st.contact !== undefined ? st.senders[st.contact] : undefined;
  const contact = contactRef ? { type: contactRef[0], id: contactRef[1] } : null;
  const language = decideLanguage(weights);
  const piiTotals = pii(totals);
  const firstMessageAt = f?.firstAt ?? m[0]?.createdAt ?? st.latestEventTime;
  const lastMessageAt = m[m.length - 1]?.createdAt ?? f?.lastAt ?? st.latestEventTime;
  return {
    schema: 'leadwire.conversations.v1',
    conversationId,
    version,
    contentHash: contentHash({ transcript, counters, folded, language, contact, pii: piiTotals }),
    reason,
    triggers,
    transcript,
    folded,
    counters,
    firstMessageAt,
    lastMessageAt,
    lastCustomerMessageAt: lastCustomer,
    responseTimesMs,
    language,
    pii: piiTotals,
    contact,
    emittedAt,
  };
}
