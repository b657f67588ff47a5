// Precision/recall/F1 of the "high" class and the 3-class confusion matrix.
import { EVAL_LABELS, type EvalLabel } from './labelled-conversation.js';

export interface BinaryScores { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number; tn: number }
export type Confusion = Record<EvalLabel, Record<EvalLabel, number>>;

export function binaryScores(pairs: Array<{ actual: EvalLabel; predicted: EvalLabel }>, positive: EvalLabel = 'high'): BinaryScores {
  let tp = 0; let fp = 0; let fn = 0; let tn = 0;
  for (const { actual, predicted } of pairs) {
    const a = actual === positive;
    const p = predicted === positive;
    if (a && p) tp++; else if (!a && p) fp++; else if (a && !p) fn++; else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: r4(precision), recall: r4(recall), f1: r4(f1), tp, fp, fn, tn };
}

/** confusion[actual][predicted]. */
export function confusionMatrix(pairs: Array<{ actual: EvalLabel; predicted: EvalLabel }>): Confusion {
  const m = Object.fromEntries(EVAL_LABELS.map((a) => [a, Object.fromEntries(EVAL_LABELS.map((p) => [p, 0]))])) as Confusion;
  for (const { actual, predicted } of pairs) m[actual][predicted]++;
  return m;
}

function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
