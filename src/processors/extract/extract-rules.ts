// The rules extractor: a pure function of the snapshot, the catalog and the
// time. Only customer messages carry buying signals; agents' words would make
// every sales pitch look like a hot lead.
import type { ConversationSnapshot } from '../window/snapshot.js';
import { tierFor, type SignalCatalog } from './catalog.js';
import { implicitSignals } from './implicit-signals.js';
import { plainAnalyzer, type MessageAnalyzer } from './message-analyzer.js';
import type { Evidence, Signal, SignalsResult } from './signals-record.js';

/** Evidence quotes kept per signal: enough to explain, small enough for the record. */
const MAX_EVIDENCE = 5;

/** `analyze` is the catalog's per-message analysis; the extract stage passes a memoizing one. */
export function extractRules(snapshot: ConversationSnapshot, catalog: SignalCatalog, now: number, analyze: MessageAnalyzer = plainAnalyzer(catalog)): SignalsResult {
  const found = new Map<string, Signal>();
  for (const entry of snapshot.transcript) {
    if (entry.role !== 'customer') continue;
    for (const m of analyze(entry.body, entry.language || snapshot.language.code).matches) {
      const def = catalog.byId.get(m.signalId)!;
      let s = found.get(def.id);
      if (!s) {
        s = { id: def.id, category: def.category, weight: def.weight, confidence: 0, evidence: [], source: 'rules' };
        found.set(def.id, s);
      }
      // Independent hits raise confidence: 1 − Π(1 − c).
      s.confidence = 1 - (1 - s.confidence) * (1 - m.confidence);
      if (m.value !== undefined) s.value = Math.max(s.value ?? Number.NEGATIVE_INFINITY, m.value);
      const ev: Evidence = { messageId: entry.id, quote: m.quote };
      if (s.evidence.length < MAX_EVIDENCE && !s.evidence.some((e) => e.messageId === ev.messageId && e.quote === ev.quote)) s.evidence.push(ev);
    }
  }
  // Catalog order keeps the output deterministic for the same input.
  const signals = catalog.signals.filter((d) => found.has(d.id)).map((d) => {
    const s = found.get(d.id)!;
    return { ...s, confidence: Math.round(s.confidence * 1000) / 1000 };
  });
  const ruleScore = Math.round(signals.reduce((sum, s) => sum + s.weight, 0) * 1000) / 1000;
  return {
    signals,
    implicit: implicitSignals(snapshot, now, (text, lang) => analyze(text, lang).sentiment),
    ruleScore,
    tier: tierFor(catalog, ruleScore),
    language: snapshot.language.code,
  };
}
