// Signals nobody states: mood, how much the customer writes, how fast the
// business answers, how long ago the customer last wrote.
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';
import { conversationSentiment, messageSentiment } from './sentiment.js';
import type { ImplicitSignals } from '../../records/signals-record.js';

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `now` comes from the caller's clock (the processor's context), never Date.now(). */
export function implicitSignals(snapshot: ConversationSnapshot, now: number, sentimentOf: (text: string, lang: string | undefined) => number = (t, l) => messageSentiment(t, l).score): ImplicitSignals {
  const customer = snapshot.transcript.filter((e) => e.role === 'customer');
  const perMessage = customer.map((e) => ({ messageId: e.id, score: sentimentOf(e.body, e.language || snapshot.language.code) }));
  const overall = conversationSentiment(perMessage.map((m) => m.score));
  const last = snapshot.lastCustomerMessageAt;
  return {
    sentiment: { ...overall, messages: perMessage },
    customerMessages: snapshot.counters.customer,
    agentMessages: snapshot.counters.agent,
    agentResponseMedianMs: median(snapshot.responseTimesMs),
    recencyMs: last === null ? null : Math.max(0, now - last),
    sharedContact: customer.some((e) => e.pii.phones + e.pii.emails > 0),
  };
}
