// The rules extractor: a pure function of the snapshot, the catalog and the
// time. It reads the conversation, not lines: only customer messages carry
// buying signals (an agent's words would make every sales pitch look like a hot
// lead), but an answer counts with the agent's question before it ("yes", "el
// martes a las 10" after "¿le agendo una llamada?"), through the catalog's
// `answers`.
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';
import { tierFor, type CompiledSignal, type SignalCatalog } from './catalog.js';
import type { SignalMatch } from './detect-signals.js';
import { implicitSignals } from './implicit-signals.js';
import { plainAnalyzer, type MessageAnalyzer } from './message-analyzer.js';
import type { Evidence, Signal, SignalsResult } from '../../records/signals-record.js';

/** Evidence quotes kept per signal: enough to explain, small enough for the record. */
const MAX_EVIDENCE = 5;
/** A hedged intent ("if I were to buy", "para un amigo") is less sure. */
const HEDGE_FACTOR = 0.5;

type Found = Signal & { strong: boolean };

function add(found: Map<string, Found>, def: CompiledSignal, m: Pick<SignalMatch, 'quote' | 'confidence' | 'value' | 'hedged'>, messageId: string): void {
  if (def.category === 'act') return;
  let s = found.get(def.id);
  if (!s) {
    s = { id: def.id, category: def.category, weight: def.weight, confidence: 0, evidence: [], source: 'rules', strong: false };
    found.set(def.id, s);
  }
  const c = m.hedged ? m.confidence * HEDGE_FACTOR : m.confidence;
  // Independent hits raise confidence: 1 − Π(1 − c).
  s.confidence = 1 - (1 - s.confidence) * (1 - c);
  if (def.strength === 'strong' && !m.hedged) s.strong = true;
  if (m.value !== undefined) s.value = Math.max(s.value ?? Number.NEGATIVE_INFINITY, m.value);
  const ev: Evidence = { messageId, quote: m.quote };
  if (s.evidence.some((e) => e.messageId === ev.messageId && e.quote === ev.quote)) return;
  // The newest quote always stays: withdrawals and decay are judged by it.
  if (s.evidence.length < MAX_EVIDENCE) s.evidence.push(ev); else s.evidence[MAX_EVIDENCE - 1] = ev;
}

/** `analyze` is the catalog's per-message analysis; the extract stage passes a memoizing one. */
export function extractRules(snapshot: ConversationSnapshot, catalog: SignalCatalog, now: number, analyze: MessageAnalyzer = plainAnalyzer(catalog)): SignalsResult {
  const found = new Map<string, Found>();
  // Acts of the agent's latest message: the question the customer's next messages answer.
  let agentActs = new Set<string>();
  for (const entry of snapshot.transcript) {
    const lang = entry.language || snapshot.language.code;
    if (entry.role === 'agent' || entry.role === 'bot') {
      agentActs = catalog.answers.length ? new Set(analyze(entry.body, lang, 'agent').matches.map((m) => m.signalId)) : agentActs;
      continue;
    }
    if (entry.role !== 'customer') continue;
    const matches = analyze(entry.body, lang, 'customer').matches;
    const replaced = new Set<string>();
    if (agentActs.size > 0) {
      for (const answer of catalog.answers) {
        if (![...answer.agent].some((a) => agentActs.has(a))) continue;
        const act = matches.find((m) => answer.customer.has(m.signalId));
        if (!act) continue;
        const def = catalog.byId.get(answer.signal)!;
        add(found, def, { quote: act.quote, confidence: def.confidence, ...(act.hedged ? { hedged: true } : {}) }, entry.id);
        for (const id of answer.replaces) replaced.add(id);
      }
    }
    for (const m of matches) if (!replaced.has(m.signalId)) add(found, catalog.byId.get(m.signalId)!, m, entry.id);
  }
  // Catalog order keeps the output deterministic for the same input.
  const signals: Signal[] = catalog.signals.filter((d) => found.has(d.id)).map((d) => {
    const { strong, ...s } = found.get(d.id)!;
    return { ...s, ...(d.strength ? { strength: strong ? 'strong' as const : 'weak' as const } : {}), confidence: Math.round(s.confidence * 1000) / 1000 };
  });
  const ruleScore = Math.round(signals.reduce((sum, s) => sum + s.weight, 0) * 1000) / 1000;
  return {
    signals,
    implicit: implicitSignals(snapshot, now, (text, lang) => analyze(text, lang).sentiment),
    ruleScore,
    tier: tierFor(catalog, ruleScore, signals),
    language: snapshot.language.code,
  };
}
