// The scoring function: a pure function of a signals record, a scoring model,
// the event time and the previous tier. Fit and intent are summed apart; only
// intent decays, because a company's size does not fade but a question about
// price asked a month ago does.
import { TIER_ORDER, type Tier } from '../../records/tier.js';
import type { ContributionKind } from '../../records/signal-vocabulary.js';

export { TIER_ORDER, type ContributionKind };
import type { Signal, SignalsRecord } from '../../records/signals-record.js';
import type { ScoringModel } from './scoring-model.js';



export interface Contribution {
  /** Signal id, or `implicit:<feature>`. */
  id: string;
  kind: ContributionKind;
  /** Points added to the raw score (negative for objections, disinterest...). */
  points: number;
  /** The intent decay factor applied (1 for fit, negative and implicit). */
  decay: number;
  /** A strong intent signal: it can make the lead qualified on its own. */
  strong?: boolean;
  messageId: string | null;
  quote: string | null;
}

export interface ScoreResult {
  score: number;
  probability: number;
  tier: Tier;
  /** Tier from the score and thresholds (with hysteresis), before the LLM's suggestion. */
  rulesTier: Tier;
  tierSource: 'rules' | 'llm';
  fit: number;
  intent: number;
  negative: number;
  implicit: number;
  raw: number;
  contributions: Contribution[];
  reasons: { positive: Contribution[]; negative: Contribution[] };
  segment: string | null;
  /** What decided the tier, with the signal and the customer's words behind it. */
  basis: TierBasis;
}

/**
 * strong_intent: a strong intent that stands; no_strong_intent: weak signals
 * only, held at nurturing; withdrawn: a later withdrawal took the strong intent
 * back; capped: a cap signal is the customer's latest word; score: the
 * thresholds alone.
 */
export interface TierBasis {
  rule: 'strong_intent' | 'no_strong_intent' | 'withdrawn' | 'capped' | 'score';
  signal: string | null;
  quote: string | null;
}

/** The score stage reads signals.v1; its optional parts (llm, transcript, contact) may be absent. */
export type ScoringInput = SignalsRecord;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export function scoreFromRaw(raw: number, model: ScoringModel): number {
  return 100 * sigmoid((raw - model.transform.midpoint) / model.transform.spread);
}

export function calibrate(score: number, model: ScoringModel): number {
  return sigmoid(model.calibration.a * score + model.calibration.b);
}

/** Thresholds with hysteresis: entering a tier needs its threshold, leaving it downwards needs threshold − margin. */
export function tierFromScore(score: number, model: ScoringModel, previous: Tier | null): Tier {
  const { qualified, nurturing } = model.thresholds;
  const hold = (t: Tier) => (previous !== null && TIER_ORDER.indexOf(previous) >= TIER_ORDER.indexOf(t) ? model.hysteresis[t as 'qualified' | 'nurturing'] : 0);
  if (score >= qualified - hold('qualified')) return 'qualified';
  if (score >= nurturing - hold('nurturing')) return 'nurturing';
  return 'unqualified';
}

/** The LLM may move the rules tier toward its suggestion by at most `maxSteps`, when sure enough. */
export function reconcileTier(rulesTier: Tier, suggestion: { tier: Tier; confidence: number } | null, model: ScoringModel): { tier: Tier; source: 'rules' | 'llm' } {
  if (!suggestion || suggestion.confidence < model.llm.minConfidence || suggestion.tier === rulesTier) return { tier: rulesTier, source: 'rules' };
  const from = TIER_ORDER.indexOf(rulesTier);
  const to = TIER_ORDER.indexOf(suggestion.tier);
  if (to < 0) return { tier: rulesTier, source: 'rules' };
  const step = Math.sign(to - from) * Math.min(Math.abs(to - from), model.llm.maxSteps);
  if (step === 0) return { tier: rulesTier, source: 'rules' };
  return { tier: TIER_ORDER[from + step]!, source: 'llm' };
}

/** The LLM's tier suggestion when the record carries one from a working LLM. */
export function llmSuggestion(rec: ScoringInput): { tier: Tier; confidence: number } | null {
  if (rec.degraded || !rec.extractor?.llm) return null;
  const s = rec.llm?.tierSuggestion;
  if (s && TIER_ORDER.includes(s.tier) && typeof s.confidence === 'number') return { tier: s.tier, confidence: s.confidence };
  return null;
}

function weightOf(s: Signal, model: ScoringModel): number {
  const w = model.weights[s.id];
  if (w !== undefined) return w;
  return model.weightsComplete ? 0 : s.weight;
}

/** The newest time of a signal's evidence messages (from the transcript), else the customer's last message. */
function evidenceTime(s: Signal, times: Map<string, number>, rec: ScoringInput): number | null {
  let t: number | null = null;
  for (const e of s.evidence) {
    const at = times.get(e.messageId);
    if (at !== undefined) t = Math.max(t ?? at, at);
  }
  return t ?? rec.lastCustomerMessageAt ?? null;
}

export function intentDecay(ageMs: number, model: ScoringModel): number {
  const eff = Math.max(0, ageMs - model.intentDecay.graceMs);
  return eff === 0 ? 1 : 0.5 ** (eff / model.intentDecay.halfLifeMs);
}

export function signalContributions(rec: ScoringInput, model: ScoringModel, at: number): Contribution[] {
  const out: Contribution[] = [];
  const times = new Map((rec.transcript ?? []).map((m) => [m.id, m.createdAt]));
  for (const s of rec.signals) {
    const w = weightOf(s, model);
    if (w === 0) continue;
    const conf = Math.min(1, s.confidence / model.fullConfidenceAt);
    let decay = 1;
    if (s.category === 'intent' && w > 0) {
      const t = evidenceTime(s, times, rec);
      decay = t === null ? 1 : intentDecay(Math.max(0, at - t), model);
    }
    // The newest quote explains best what the customer wants now.
    const ev = s.evidence[s.evidence.length - 1];
    const kind: ContributionKind = s.category === 'negative' || w < 0 ? 'negative' : s.category;
    // Records from before the tier policy carry no strength: their intent counts as strong, as it did then.
    const strong = kind === 'intent' && s.strength !== 'weak';
    out.push({ id: s.id, kind, points: round(w * conf * decay, 4), decay: round(decay, 4), messageId: ev?.messageId ?? null, quote: ev?.quote ?? null, ...(strong ? { strong } : {}) });
  }
  const im = model.implicit;
  const imp = rec.implicit;
  if (imp) {
    if (im.sharedContact && imp.sharedContact) out.push({ id: 'implicit:shared_contact', kind: 'implicit', points: im.sharedContact, decay: 1, messageId: null, quote: null });
    if (im.customerMessages && imp.customerMessages > 1) {
      const n = Math.min(imp.customerMessages, im.customerMessagesCap) - 1;
      out.push({ id: 'implicit:customer_messages', kind: 'implicit', points: round(im.customerMessages * n, 4), decay: 1, messageId: null, quote: null });
    }
    if (im.sentiment && imp.sentiment && imp.sentiment.score !== 0) {
      out.push({ id: 'implicit:sentiment', kind: 'implicit', points: round(im.sentiment * imp.sentiment.score, 4), decay: 1, messageId: null, quote: null });
    }
  }
  return out;
}

export function segmentOf(rec: Pick<SignalsRecord, 'signals'>, model: ScoringModel): string | null {
  const fired = new Set(rec.signals.map((s) => s.id));
  for (const [name, ids] of Object.entries(model.segments)) if (ids.some((id) => fired.has(id))) return name;
  return null;
}

/** Position of a message in the transcript (or its numeric id as a proxy when there is no transcript). */
function positions(rec: ScoringInput): (id: string) => number {
  const pos = new Map((rec.transcript ?? []).map((m, i) => [m.id, i]));
  return (id) => pos.get(id) ?? Number(id);
}

const newestIn = (pos: (id: string) => number) => (s: Signal) => Math.max(...s.evidence.map((e) => pos(e.messageId)).filter(Number.isFinite), Number.NEGATIVE_INFINITY);
const oldestIn = (pos: (id: string) => number) => (s: Signal) => Math.min(...s.evidence.map((e) => pos(e.messageId)).filter(Number.isFinite), Number.POSITIVE_INFINITY);

/** The cap signals that count: a decline after an accepted commitment does not. */
function effectiveCaps(rec: ScoringInput, model: ScoringModel, pos: (id: string) => number): Signal[] {
  const { declines, commitments } = model.policy;
  const committedAt = Math.min(...rec.signals.filter((s) => commitments.includes(s.id)).map(oldestIn(pos)), Number.POSITIVE_INFINITY);
  const newest = newestIn(pos);
  return rec.signals.filter((s) => model.caps[s.id] && !(declines.includes(s.id) && committedAt < newest(s)));
}

/** The lowest cap among cap signals whose newest evidence comes after every positive intent evidence. */
export function capTier(rec: ScoringInput, model: ScoringModel, contributions: Contribution[]): { tier: Tier; signal: Signal } | null {
  if (Object.keys(model.caps).length === 0) return null;
  const newest = newestIn(positions(rec));
  const positiveIds = new Set(contributions.filter((c) => c.kind === 'intent' && c.points > 0).map((c) => c.id));
  let lastBuying = Number.NEGATIVE_INFINITY;
  for (const s of rec.signals) if (positiveIds.has(s.id)) lastBuying = Math.max(lastBuying, newest(s));
  let cap: { tier: Tier; signal: Signal } | null = null;
  for (const s of effectiveCaps(rec, model, positions(rec))) {
    const c = model.caps[s.id]!;
    if (!(newest(s) > lastBuying)) continue;
    if (cap === null || TIER_ORDER.indexOf(c) < TIER_ORDER.indexOf(cap.tier)) cap = { tier: c, signal: s };
  }
  return cap;
}

/**
 * The strong intent that stands: the one with the newest evidence, unless a
 * withdrawal (any `caps` signal: "no me interesa", "not buying yet") came after
 * it. Returns the withdrawal instead when one took it back.
 */
export function standingStrongIntent(rec: ScoringInput, model: ScoringModel, contributions: Contribution[]): { strong: Contribution | null; withdrawnBy: Signal | null } {
  const newest = newestIn(positions(rec));
  const byId = new Map(rec.signals.map((s) => [s.id, s]));
  let strong: Contribution | null = null;
  let strongAt = Number.NEGATIVE_INFINITY;
  for (const c of contributions) {
    if (!c.strong || c.points <= 0) continue;
    const at = newest(byId.get(c.id)!);
    if (strong === null || at > strongAt || (at === strongAt && c.points > strong.points)) { strong = c; strongAt = at; }
  }
  if (!strong) return { strong: null, withdrawnBy: null };
  for (const s of effectiveCaps(rec, model, positions(rec))) if (newest(s) > strongAt) return { strong: null, withdrawnBy: s };
  return { strong, withdrawnBy: null };
}

export function scoreSignals(rec: ScoringInput, model: ScoringModel, at: number, previous: Tier | null = null): ScoreResult {
  const contributions = signalContributions(rec, model, at);
  const sum = (k: ContributionKind) => round(contributions.filter((c) => c.kind === k).reduce((a, c) => a + c.points, 0), 4);
  const fit = sum('fit');
  const intent = sum('intent');
  const negative = sum('negative');
  const implicit = sum('implicit');
  const raw = round(model.bias + fit + intent + negative + implicit, 4);
  const exact = scoreFromRaw(raw, model);
  const uncapped = tierFromScore(exact, model, previous);
  const cap = capTier(rec, model, contributions);
  let rulesTier = uncapped;
  let basis: TierBasis = { rule: 'score', signal: null, quote: null };
  if (cap !== null && TIER_ORDER.indexOf(cap.tier) < TIER_ORDER.indexOf(uncapped)) {
    rulesTier = cap.tier;
    basis = { rule: 'capped', signal: cap.signal.id, quote: cap.signal.evidence.at(-1)?.quote ?? null };
  }
  const standing = standingStrongIntent(rec, model, contributions);
  if (model.policy.qualifiedNeedsStrong && rulesTier === 'qualified') {
    if (standing.strong) basis = { rule: 'strong_intent', signal: standing.strong.id, quote: standing.strong.quote };
    else {
      rulesTier = 'nurturing';
      const w = standing.withdrawnBy;
      basis = w ? { rule: 'withdrawn', signal: w.id, quote: w.evidence.at(-1)?.quote ?? null } : { rule: 'no_strong_intent', signal: null, quote: null };
    }
  }
  // The LLM may move the tier, but never to qualified against the policy.
  const suggestion = llmSuggestion(rec);
  let { tier, source } = reconcileTier(rulesTier, suggestion, model);
  if (model.policy.qualifiedNeedsStrong && tier === 'qualified' && !standing.strong) ({ tier, source } = { tier: rulesTier, source: 'rules' });
  // The deciding evidence leads the reasons.
  const decisive = basis.rule === 'strong_intent' ? basis.signal : null;
  const byPoints = [...contributions].sort((a, b) => Number(b.id === decisive) - Number(a.id === decisive) || b.points - a.points || a.id.localeCompare(b.id));
  return {
    score: round(exact, 1),
    probability: round(calibrate(exact, model), 4),
    tier,
    rulesTier,
    tierSource: source,
    fit, intent, negative, implicit, raw,
    contributions,
    reasons: {
      positive: byPoints.filter((c) => c.points > 0).slice(0, model.reasons.positive),
      negative: byPoints.filter((c) => c.points < 0).reverse().slice(0, model.reasons.negative),
    },
    segment: segmentOf(rec, model),
    basis,
  };
}
