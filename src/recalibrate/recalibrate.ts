// Recalibration: from labelled conversations (people's feedback, or a labelled
// dataset) fit new signal weights, intercept, thresholds and calibration into a
// new scoring version. The fit is the regularised logistic regression of
// logistic-regression.ts, pulled toward the current model's weights; the new
// model is expressed in the current model's raw-score units, so that its score
// is 100 × P(good lead) and every other part (decay, caps, hysteresis, LLM rule)
// carries over unchanged.
import { configError } from '../core/errors.js';
import type { SignalsRecord } from '../records/signals-record.js';
import { scoreSignals } from '../processors/score/score-signals.js';
import { validateScoringModel, type ScoringModel } from '../processors/score/scoring-model.js';
import { fitLogistic, sigmoid } from './logistic-regression.js';

export interface LabelledExample { record: SignalsRecord; positive: boolean }

export interface PrecisionReport { count: number; positives: number; qualified: number; tp: number; precision: number; recall: number; f1: number }

export interface RecalibrationResult {
  model: ScoringModel;
  features: string[];
  converged: boolean;
  train: { base: PrecisionReport; candidate: PrecisionReport };
}

export interface RecalibrateOptions {
  version: string;
  l2: number;
  minLabels: number;
  /**
   * Weight of recall against precision when choosing the qualified threshold (F-beta). The default 1
   * is F1, what recalibration is judged by: 0.5 bought precision with recall (hint3 held out: P 0.74
   * → 1.00 while R fell 1.00 → 0.71 and F1 0.85 → 0.83).
   */
  beta?: number;
  description?: string;
}

const IMPLICIT = ['implicit:shared_contact', 'implicit:customer_messages', 'implicit:sentiment'] as const;

function implicitValue(id: (typeof IMPLICIT)[number], r: SignalsRecord, model: ScoringModel): number {
  const imp = r.implicit;
  if (!imp) return 0;
  if (id === 'implicit:shared_contact') return imp.sharedContact ? 1 : 0;
  if (id === 'implicit:customer_messages') return Math.max(0, Math.min(imp.customerMessages, model.implicit.customerMessagesCap) - 1);
  return imp.sentiment?.score ?? 0;
}

/** Feature values: each signal at its confidence factor (no decay: a label judges the lead as it was), then implicit features. */
export function featurize(r: SignalsRecord, signalIds: string[], model: ScoringModel): number[] {
  const byId = new Map(r.signals.map((s) => [s.id, s]));
  return [
    ...signalIds.map((id) => { const s = byId.get(id); return s ? Math.min(1, s.confidence / model.fullConfidenceAt) : 0; }),
    ...IMPLICIT.map((id) => implicitValue(id, r, model)),
  ];
}

/** Precision, recall and F1 of "qualified" against the labels, scoring each record as fresh (no history). */
export function precisionOf(model: ScoringModel, examples: LabelledExample[]): PrecisionReport {
  let tp = 0; let qualified = 0; let positives = 0;
  for (const e of examples) {
    const at = e.record.lastCustomerMessageAt ?? e.record.extractedAt;
    const q = scoreSignals(e.record, model, at).tier === 'qualified';
    if (e.positive) positives++;
    if (q) { qualified++; if (e.positive) tp++; }
  }
  const precision = qualified ? tp / qualified : 0;
  const recall = positives ? tp / positives : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return { count: examples.length, positives, qualified, tp, precision: r4(precision), recall: r4(recall), f1: r4(f1) };
}

export function recalibrate(base: ScoringModel, examples: LabelledExample[], opts: RecalibrateOptions): RecalibrationResult {
  const positives = examples.filter((e) => e.positive).length;
  const negatives = examples.length - positives;
  if (examples.length < opts.minLabels) throw configError(`Recalibration needs at least ${opts.minLabels} labelled conversations; there are ${examples.length}`);
  if (positives < 2 || negatives < 2) throw configError(`Recalibration needs good and bad labels (at least 2 of each); there are ${positives} good and ${negatives} bad`);
  const spread = base.transform.spread;
  const mid = base.transform.midpoint;

  // Signals seen in the data, in a stable order; their prior is the weight the base model gives them.
  const catalogWeight = new Map<string, number>();
  for (const e of examples) for (const s of e.record.signals) catalogWeight.set(s.id, s.weight);
  const signalIds = [...catalogWeight.keys()].sort();
  const baseWeight = (id: string) => base.weights[id] ?? (base.weightsComplete ? 0 : catalogWeight.get(id)!);
  const implicitBase = [base.implicit.sharedContact, base.implicit.customerMessages, base.implicit.sentiment];
  // In logit units: (raw − midpoint) / spread.
  const prior = [...signalIds.map((id) => baseWeight(id) / spread), ...implicitBase.map((w) => w / spread)];
  const X = examples.map((e) => featurize(e.record, signalIds, base));
  const y = examples.map((e) => (e.positive ? 1 : 0) as 0 | 1);
  const fit = fitLogistic(X, y, { l2: opts.l2, prior, priorBias: (base.bias - mid) / spread });

  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const weights: Record<string, number> = { ...base.weights };
  signalIds.forEach((id, j) => { weights[id] = r3(fit.weights[j]! * spread); });
  const d = signalIds.length;
  let model = validateScoringModel({
    ...base,
    version: opts.version,
    description: opts.description ?? `Recalibrated from ${base.version} on ${examples.length} labels (${positives} good), L2 ${opts.l2} toward ${base.version}'s weights`,
    weights,
    bias: r3(mid + spread * fit.bias),
    implicit: { ...base.implicit, sharedContact: r3(fit.weights[d]! * spread), customerMessages: r3(fit.weights[d + 1]! * spread), sentiment: r3(fit.weights[d + 2]! * spread) },
  });

  // Threshold: the score (= 100·P(good)) that maximises F-beta on the labels.
  const beta2 = (opts.beta ?? 1) ** 2;
  const scores = examples.map((e) => scoreSignals(e.record, { ...model, caps: {} }, e.record.lastCustomerMessageAt ?? e.record.extractedAt).score);
  const candidates = [...new Set(scores)].sort((a, b) => a - b);
  let best = { t: base.thresholds.qualified, f: -1 };
  for (const t of candidates) {
    if (t <= 1 || t >= 99.5) continue;
    let tp = 0; let q = 0;
    scores.forEach((s, i) => { if (s >= t) { q++; if (y[i]) tp++; } });
    const p = q ? tp / q : 0;
    const r = tp / positives;
    const f = p + r ? ((1 + beta2) * p * r) / (beta2 * p + r) : 0;
    if (f > best.f) best = { t, f };
  }
  const qualified = Math.round(best.t * 10) / 10;
  const nurturing = Math.round(qualified * (base.thresholds.nurturing / base.thresholds.qualified) * 10) / 10;
  // Platt scaling of the score on the labels: the probability consumers read.
  const platt = fitLogistic(scores.map((s) => [s]), y, { l2: 1e-6 });
  model = validateScoringModel({
    ...model,
    thresholds: { qualified, nurturing },
    hysteresis: {
      qualified: Math.min(base.hysteresis.qualified, Math.max(0, qualified - nurturing)),
      nurturing: Math.min(base.hysteresis.nurturing, nurturing),
    },
    calibration: { a: Math.round(platt.weights[0]! * 1e5) / 1e5, b: Math.round(platt.bias * 1e4) / 1e4 },
  });
  return {
    model,
    features: [...signalIds, ...IMPLICIT],
    converged: fit.converged,
    train: { base: precisionOf(base, examples), candidate: precisionOf(model, examples) },
  };
}

export { sigmoid };
