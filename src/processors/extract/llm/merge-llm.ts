// Merges grounded LLM output into the rules result. Rules signals stay as
// they are (the LLM's quotes are added as evidence); LLM-only signals join
// with source 'llm'. The tier is reconciled, not replaced: LLM-only signals
// count at weight × confidence, and the model's tier suggestion may move the
// tier one step, upward to qualified only when some intent signal with
// verbatim customer evidence backs it.
import { tierFor, type SignalCatalog } from '../catalog.js';
import { TIER_ORDER as ORDER, type Tier } from '../../../records/tier.js';
import type { LlmInsights, Signal, SignalsResult } from '../../../records/signals-record.js';
import type { Grounded } from './ground-answer.js';

/** Below this the suggestion is noise. */
const MIN_SUGGESTION_CONFIDENCE = 0.6;
const MAX_EVIDENCE = 5;

export function reconcileTier(baseTier: Tier, suggestion: LlmInsights['tierSuggestion'], signals: Signal[]): Tier {
  if (!suggestion || suggestion.confidence < MIN_SUGGESTION_CONFIDENCE) return baseTier;
  const from = ORDER.indexOf(baseTier);
  const to = ORDER.indexOf(suggestion.tier);
  if (to === from) return baseTier;
  const step = from + Math.sign(to - from);
  const target = ORDER[step]!;
  if (target === 'qualified' && !signals.some((s) => s.category === 'intent' && s.evidence.length > 0)) return baseTier;
  return target;
}

export function mergeLlm(rules: SignalsResult, grounded: Grounded, catalog: SignalCatalog, meta: Pick<LlmInsights, 'model' | 'promptVersion' | 'basedOn' | 'reused' | 'cached'>): SignalsResult {
  const byId = new Map(rules.signals.map((s) => [s.id, { ...s, evidence: [...s.evidence] }]));
  let extra = 0;
  for (const ls of grounded.signals) {
    const def = catalog.byId.get(ls.id);
    if (!def || def.category === 'act') continue;
    const existing = byId.get(ls.id);
    if (existing) {
      // The rules already found it: the LLM's agreement raises confidence, its quotes add evidence.
      existing.confidence = Math.round((1 - (1 - existing.confidence) * (1 - ls.confidence)) * 1000) / 1000;
      for (const ev of ls.evidence) if (existing.evidence.length < MAX_EVIDENCE && !existing.evidence.some((x) => x.messageId === ev.messageId && x.quote === ev.quote)) existing.evidence.push(ev);
      continue;
    }
    byId.set(ls.id, { id: def.id, category: def.category, weight: def.weight, ...(def.strength ? { strength: def.strength } : {}), confidence: ls.confidence, evidence: ls.evidence, source: 'llm' });
    extra += def.weight * ls.confidence;
  }
  const signals = catalog.signals.filter((d) => byId.has(d.id)).map((d) => byId.get(d.id)!);
  const base = tierFor(catalog, rules.ruleScore + extra, signals);
  const tier = reconcileTier(base, grounded.fields.tierSuggestion, signals);
  return { ...rules, signals, tier, llm: { ...meta, ...grounded.fields } };
}
