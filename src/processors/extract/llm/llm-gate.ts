// When is a window worth an LLM call? The rules run on every snapshot for
// free; the LLM is asked only when it can change what downstream acts on:
//  - there is new substantive customer text since its last call (greetings,
//    "ok", "gracias" and emoji are not), and
//  - the conversation is or may become qualified (hot trigger, rules tier or
//    last LLM tier qualified, rules score near the qualified threshold), or the
//    rules are least sure: their signals add up to qualified but the tier
//    policy held the lead at nurturing (weak signals only, a hedged or a
//    withdrawn intent), where the model may read a strong intent the rules
//    missed; or the rules signals moved, or enough new text piled up.
// A hot trigger that brings a new signal calls at once; everything else worth
// a call is deferred until the conversation has been quiet for the settle time
// (one call per burst, after its last substantive message). Otherwise the rules
// result (plus the last LLM answer, re-checked against the current transcript)
// is enough.
import type { Tier } from '../../../records/tier.js';
import type { ConversationSnapshot } from '../../../records/conversation-snapshot.js';

export interface GateConfig {
  /** false: call on every snapshot that has any new customer text (for evaluation). */
  enabled: boolean;
  /** A rules score within this distance below the qualified threshold counts as near. */
  nearThresholdMargin: number;
  /** New substantive customer messages that justify a call even when nothing else moved. */
  minNewMessages: number;
}

/** What the last LLM call of a conversation covered (kept by the extractor and in the cache). */
export interface GateMemory {
  /** Substantive customer message ids that were in the data of the last call. */
  coveredCustomerIds: string[];
  /** Rules signal ids at the last call. */
  rulesSignalIds: string[];
  /** Tier after reconciling with the LLM at the last call. */
  tier: Tier;
}

export interface GateInput {
  snapshot: ConversationSnapshot;
  rules: { signals: Array<{ id: string; evidence?: Array<{ messageId: string }> }>; ruleScore: number; tier: Tier };
  thresholds: { qualified: number; nurturing: number };
  previous: GateMemory | undefined;
  /** A re-extraction after an outage: always call. */
  force?: boolean;
  /** The conversation has been quiet for the settle time: call if anything is new. */
  settle?: boolean;
}

export type GateReason =
  | 'forced' | 'settled' | 'hot_trigger' | 'qualified' | 'held_back' | 'near_threshold' | 'signals_moved' | 'accumulated'
  | 'no_customer_text' | 'no_new_content' | 'rules_enough';

export interface GateDecision {
  call: boolean;
  /** No call now, but one once the conversation has been quiet for the settle time. */
  defer: boolean;
  reason: GateReason;
  /** Substantive customer message ids in the transcript. */
  substantiveIds: string[];
  /** Of those, the ones the last call did not see. */
  newIds: string[];
}

const ACK = new Set([
  'ok', 'okay', 'oki', 'okey', 'vale', 'si', 'sip', 'no', 'ya', 'dale', 'listo', 'bueno', 'perfecto', 'claro', 'gracias', 'muchas gracias',
  'mil gracias', 'hola', 'holi', 'buenas', 'buenos dias', 'buenas tardes', 'buenas noches', 'buen dia', 'saludos', 'chao', 'adios',
  'thanks', 'thank you', 'thx', 'ty', 'hi', 'hello', 'hey', 'yes', 'yep', 'sure', 'great', 'cool', 'bye', 'good morning', 'ok gracias',
  'ok thanks', 'de nada', 'igualmente', 'entendido', 'genial', 'excelente', 'jaja', 'jajaja', 'jeje', 'haha', 'lol',
]);

/** Folded text without accents, punctuation, emoji or placeholders. */
function fold(body: string): string {
  return body.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/\[(?:email|phone|card|id)\]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Text that can change what a reader concludes: a number, or at least two
 * content words. Greetings, thanks, acks, emoji and a lone word ("Colombia",
 * "Tallas?") are not, unless a rules signal matched the message.
 */
export function isSubstantive(body: string): boolean {
  const f = fold(body);
  if (!f) return false;
  if (/\p{N}/u.test(f)) return true;
  if (ACK.has(f)) return false;
  return f.split(' ').filter((w) => w.length >= 3 && !ACK.has(w)).length >= 2;
}

/** Substantive customer messages of a snapshot: by the text, or because a rules signal fired on them. */
export function substantiveCustomerIds(snapshot: ConversationSnapshot, rules: { signals: Array<{ evidence?: Array<{ messageId: string }> }> }): string[] {
  const withSignal = new Set<string>();
  for (const s of rules.signals) for (const ev of s.evidence ?? []) withSignal.add(ev.messageId);
  return snapshot.transcript.filter((e) => e.role === 'customer' && (withSignal.has(e.id) || isSubstantive(e.body))).map((e) => e.id);
}

export function decideLlmCall(input: GateInput, cfg: GateConfig): GateDecision {
  const { snapshot, rules, thresholds, previous } = input;
  const substantiveIds = substantiveCustomerIds(snapshot, rules);
  const covered = new Set(previous?.coveredCustomerIds ?? []);
  const newIds = substantiveIds.filter((id) => !covered.has(id));
  const d = (call: boolean, reason: GateReason, defer = false): GateDecision => ({ call, defer, reason, substantiveIds, newIds });

  if (input.force) return d(true, 'forced');
  if (substantiveIds.length === 0) return d(false, 'no_customer_text');
  if (newIds.length === 0) return d(false, 'no_new_content');
  if (input.settle || !cfg.enabled) return d(true, input.settle ? 'settled' : 'accumulated');
  const before = new Set(previous?.rulesSignalIds ?? []);
  const moved = rules.signals.some((s) => !before.has(s.id));
  const interesting = rules.tier === 'qualified' || previous?.tier === 'qualified'
    || rules.ruleScore >= thresholds.qualified - cfg.nearThresholdMargin;
  // A hot trigger is answered at once when it says something the last call did
  // not see (a trigger signal new to it) in a conversation that is turning
  // qualified; a repeat ("precio" again), a lukewarm one, or one in a lead the
  // LLM already saw qualified waits for the settle.
  if (snapshot.reason === 'hot_trigger') {
    const newTrigger = snapshot.triggers.some((t) => !before.has(t)) || (!previous && snapshot.triggers.length === 0);
    // The urgent moment is a lead turning hot; once the last call saw it qualified, details can wait.
    const turningHot = previous?.tier !== 'qualified';
    return newTrigger && rules.tier === 'qualified' && turningHot ? d(true, 'hot_trigger') : d(false, 'hot_trigger', true);
  }
  // Otherwise one call per quiet period: the settle timer covers every session
  // of a burst with one call, after its last substantive message.
  if (rules.tier === 'qualified' || previous?.tier === 'qualified') return d(false, 'qualified', true);
  // The policy held a lead whose signals add up to qualified: where the rules are least sure.
  if (rules.ruleScore >= thresholds.qualified) return d(false, 'held_back', true);
  if (interesting) return d(false, 'near_threshold', true);
  // Far from qualified, a settle call is bought only by a pile of new text (or new
  // signals in a conversation the LLM never read): the rules are enough for the rest.
  if (moved && !previous && rules.tier !== 'unqualified') return d(false, 'signals_moved', true);
  if (newIds.length >= cfg.minNewMessages) return d(false, 'accumulated', true);
  return d(false, 'rules_enough');
}
