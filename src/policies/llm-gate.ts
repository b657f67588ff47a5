// When is a window worth an LLM call? The rules run on every snapshot for
// free; the LLM is asked only when it can change what downstream acts on:
//  - there is new substantive customer text since its last call (greetings,
//    "ok", "gracias" and emoji are not), and
//  - the conversation is or may become qualified (hot trigger, rules tier or
//    last LLM tier qualified, rules score near the qualified threshold), or the
//    rules signals moved, or enough new text piled up since the last call.
// Otherwise the rules result (plus the last LLM answer, re-checked against the
// current transcript) is enough.
import type { Tier } from '../processors/extract/catalog.js';
import type { ConversationSnapshot } from '../processors/window/snapshot.js';

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
  rules: { signals: Array<{ id: string }>; ruleScore: number; tier: Tier };
  thresholds: { qualified: number; nurturing: number };
  previous: GateMemory | undefined;
  /** A re-extraction after an outage: always call. */
  force?: boolean;
}

export type GateReason =
  | 'forced' | 'hot_trigger' | 'qualified' | 'near_threshold' | 'signals_moved' | 'accumulated'
  | 'no_customer_text' | 'no_new_content' | 'rules_enough';

export interface GateDecision {
  call: boolean;
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

/** Text that can change what a reader concludes: not a greeting, thanks, an ack or emoji alone. */
export function isSubstantive(body: string): boolean {
  const f = fold(body);
  if (!f) return false;
  if (/\p{N}/u.test(f)) return true;
  if (ACK.has(f)) return false;
  const words = f.split(' ');
  return words.some((w) => w.length >= 3 && !ACK.has(w));
}

export function decideLlmCall(input: GateInput, cfg: GateConfig): GateDecision {
  const { snapshot, rules, thresholds, previous } = input;
  const substantiveIds: string[] = [];
  for (const e of snapshot.transcript) if (e.role === 'customer' && isSubstantive(e.body)) substantiveIds.push(e.id);
  const covered = new Set(previous?.coveredCustomerIds ?? []);
  const newIds = substantiveIds.filter((id) => !covered.has(id));
  const d = (call: boolean, reason: GateReason): GateDecision => ({ call, reason, substantiveIds, newIds });

  if (input.force) return d(true, 'forced');
  if (substantiveIds.length === 0) return d(false, 'no_customer_text');
  if (newIds.length === 0) return d(false, 'no_new_content');
  if (!cfg.enabled) return d(true, 'accumulated');
  if (snapshot.reason === 'hot_trigger') return d(true, 'hot_trigger');
  if (rules.tier === 'qualified' || previous?.tier === 'qualified') return d(true, 'qualified');
  if (rules.ruleScore >= thresholds.qualified - cfg.nearThresholdMargin) return d(true, 'near_threshold');
  const before = new Set(previous?.rulesSignalIds ?? []);
  const moved = rules.signals.some((s) => !before.has(s.id));
  // New positive evidence is worth a look once the rules already see some interest.
  if (moved && rules.tier !== 'unqualified') return d(true, 'signals_moved');
  if (newIds.length >= cfg.minNewMessages) return d(true, 'accumulated');
  return d(false, 'rules_enough');
}
