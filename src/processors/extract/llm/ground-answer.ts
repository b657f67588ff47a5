// Turns a schema-valid answer into claims the transcript supports. Message
// aliases become wire ids; ids that were not in the data, the summary, and
// customer messages that read like instructions are not support; quotes must
// be verbatim substrings of the cited customer message; a claim left without
// support is dropped. What survives is all the rest of the pipeline sees.
import type { TranscriptEntry } from '../../../records/conversation-snapshot.js';
import type { SignalCatalog } from '../catalog.js';
import type { Evidence, LlmField, LlmInsights } from '../../../records/signals-record.js';
import type { ExtractV1Answer } from './extract-v1.schema.js';

/** A catalog signal the model found, with verbatim evidence (never empty). */
export interface LlmSignal { id: string; confidence: number; evidence: Evidence[] }

export type GroundedFields = Omit<LlmInsights, 'model' | 'promptVersion' | 'basedOn' | 'reused' | 'cached'>;

export interface Grounded {
  fields: GroundedFields;
  signals: LlmSignal[];
}

export interface GroundingView {
  /** alias or wire id → entry, for every message the claims may cite. */
  resolve(ref: string): TranscriptEntry | undefined;
  /** Entries that must not count as support (instruction-like customer text). */
  isFlagged(entry: TranscriptEntry): boolean;
}

const MAX_EVIDENCE = 5;
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function groundAnswer(answer: ExtractV1Answer, view: GroundingView, catalog: SignalCatalog): Grounded {
  const dropped = { messageIds: 0, quotes: 0, claims: 0 };
  const flaggedIds = new Set<string>();

  const support = (refs: string[], customerOnly: boolean): string[] => {
    const out: string[] = [];
    for (const ref of refs) {
      const e = view.resolve(ref);
      if (!e || (customerOnly && e.role !== 'customer')) { dropped.messageIds++; continue; }
      if (view.isFlagged(e)) { flaggedIds.add(e.id); dropped.messageIds++; continue; }
      if (!out.includes(e.id)) out.push(e.id);
    }
    return out;
  };

  // A claim (non-empty value) needs at least one supporting message; otherwise it becomes the empty value.
  function field<T>(f: { confidence: number; messageIds: string[] }, value: T, empty: T, isEmpty: (v: T) => boolean, customerOnly = false): LlmField<T> {
    const ids = support(f.messageIds, customerOnly);
    if (isEmpty(value)) return { value: empty, confidence: round3(clamp01(f.confidence)), messageIds: ids };
    if (ids.length === 0) { dropped.claims++; return { value: empty, confidence: 0, messageIds: [] }; }
    return { value, confidence: round3(clamp01(f.confidence)), messageIds: ids };
  }
  const nullText = (v: string | null) => v === null || v.trim() === '';
  const emptyList = (v: string[]) => v.length === 0;
  const text = (v: string | null) => (v === null ? null : v.trim().slice(0, 300) || null);
  const list = (v: string[]) => v.map((s) => s.trim().slice(0, 120)).filter(Boolean).slice(0, 10);

  const a = answer;
  const budgetIds = support(a.budget.messageIds, false);
  const budgetClaim = a.budget.amount !== null || (a.budget.currency !== null && a.budget.currency.trim() !== '');
  let budget: GroundedFields['budget'];
  if (!budgetClaim) budget = { amount: null, currency: null, confidence: round3(clamp01(a.budget.confidence)), messageIds: budgetIds };
  else if (budgetIds.length === 0) { dropped.claims++; budget = { amount: null, currency: null, confidence: 0, messageIds: [] }; }
  else budget = { amount: a.budget.amount !== null && Number.isFinite(a.budget.amount) ? a.budget.amount : null, currency: a.budget.currency?.trim().toUpperCase().slice(0, 8) || null, confidence: round3(clamp01(a.budget.confidence)), messageIds: budgetIds };

  const tierIds = support(a.tierSuggestion.messageIds, true);
  let tierSuggestion: GroundedFields['tierSuggestion'] = null;
  if (tierIds.length > 0) tierSuggestion = { tier: a.tierSuggestion.tier, confidence: round3(clamp01(a.tierSuggestion.confidence)), messageIds: tierIds };
  else dropped.claims++;

  const fields: GroundedFields = {
    intent: field(a.intent, a.intent.level, 'none', (v) => v === 'none', true),
    need: field(a.need, text(a.need.value), null, nullText),
    budget,
    authority: field(a.authority, a.authority.value, 'unknown', (v) => v === 'unknown', true),
    timeline: field(a.timeline, text(a.timeline.value), null, nullText),
    companySize: field(a.companySize, text(a.companySize.value), null, nullText),
    competitors: field(a.competitors, list(a.competitors.values), [], emptyList),
    objections: field(a.objections, list(a.objections.values), [], emptyList),
    nextStep: field(a.nextStep, text(a.nextStep.value), null, nullText),
    summary: a.summary.trim().slice(0, 1_000),
    tierSuggestion,
    flaggedMessageIds: [],
    dropped,
  };

  const byId = new Map<string, LlmSignal>();
  for (const s of a.signals) {
    if (!catalog.byId.has(s.id)) { dropped.claims++; continue; }
    const evidence: Evidence[] = [];
    for (const ev of s.evidence) {
      const e = view.resolve(ev.messageId);
      if (!e || e.role !== 'customer') { dropped.messageIds++; continue; }
      if (view.isFlagged(e)) { flaggedIds.add(e.id); dropped.messageIds++; continue; }
      const quote = ev.quote.trim();
      if (!quote || !e.body.includes(quote)) { dropped.quotes++; continue; }
      if (!evidence.some((x) => x.messageId === e.id && x.quote === quote)) evidence.push({ messageId: e.id, quote });
    }
    if (evidence.length === 0) { dropped.claims++; continue; }
    const prev = byId.get(s.id);
    if (prev) {
      prev.confidence = Math.max(prev.confidence, round3(clamp01(s.confidence)));
      for (const ev of evidence) if (prev.evidence.length < MAX_EVIDENCE && !prev.evidence.some((x) => x.messageId === ev.messageId && x.quote === ev.quote)) prev.evidence.push(ev);
    } else {
      byId.set(s.id, { id: s.id, confidence: round3(clamp01(s.confidence)), evidence: evidence.slice(0, MAX_EVIDENCE) });
    }
  }
  fields.flaggedMessageIds = [...flaggedIds];
  return { fields, signals: [...byId.values()] };
}

/**
 * Re-checks an earlier grounded result against the current transcript (the
 * gate reuses it when a snapshot is not worth a call): support that left the
 * transcript, or whose text changed, no longer counts.
 */
export function regroundAgainst(prev: Grounded, transcript: TranscriptEntry[]): Grounded {
  const byId = new Map(transcript.map((e) => [e.id, e]));
  const keep = (ids: string[]) => ids.filter((id) => byId.has(id));
  const f = prev.fields;
  const fix = <T>(x: LlmField<T>, empty: T): LlmField<T> => {
    const ids = keep(x.messageIds);
    return ids.length || x.messageIds.length === 0 ? { ...x, messageIds: ids } : { value: empty, confidence: 0, messageIds: [] };
  };
  const budgetIds = keep(f.budget.messageIds);
  const fields: GroundedFields = {
    ...f,
    intent: fix(f.intent, 'none'),
    need: fix(f.need, null),
    budget: budgetIds.length || f.budget.messageIds.length === 0 ? { ...f.budget, messageIds: budgetIds } : { amount: null, currency: null, confidence: 0, messageIds: [] },
    authority: fix(f.authority, 'unknown'),
    timeline: fix(f.timeline, null),
    companySize: fix(f.companySize, null),
    competitors: fix(f.competitors, []),
    objections: fix(f.objections, []),
    nextStep: fix(f.nextStep, null),
    tierSuggestion: f.tierSuggestion && keep(f.tierSuggestion.messageIds).length ? { ...f.tierSuggestion, messageIds: keep(f.tierSuggestion.messageIds) } : null,
  };
  const signals = prev.signals
    .map((s) => ({ ...s, evidence: s.evidence.filter((ev) => byId.get(ev.messageId)?.body.includes(ev.quote)) }))
    .filter((s) => s.evidence.length > 0);
  return { fields, signals };
}
