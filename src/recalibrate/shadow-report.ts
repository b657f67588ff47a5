// How a shadow scoring version compares with the active one: agreement of the
// tiers both gave to the same live inputs (history rows carrying the shadow
// score), and precision of "qualified" against people's labels, re-scoring the
// labelled conversations with both models.
import type { AnalyticsStore } from '../ports/analytics-store.js';
import type { Tier } from '../records/tier.js';
import type { ScoringModel } from '../processors/score/scoring-model.js';
import { isPositive } from '../records/feedback-record.js';
import { signalsFromLeadScore } from './lead-score-signals.js';
import { precisionOf, type PrecisionReport } from './recalibrate.js';

export interface ShadowReport {
  active: string;
  shadow: string;
  live: { scored: number; agreement: number | null; matrix: Record<string, number> };
  labelled: { count: number; active: PrecisionReport; shadow: PrecisionReport };
}

export async function shadowReport(analytics: AnalyticsStore, active: ScoringModel, shadow: ScoringModel): Promise<ShadowReport> {
  const rows = await analytics.shadowScores(shadow.version);
  const matrix: Record<string, number> = {};
  let same = 0;
  for (const r of rows) {
    const k = `${r.tier}→${r.shadow!.tier as Tier}`;
    matrix[k] = (matrix[k] ?? 0) + 1;
    if (r.tier === r.shadow!.tier) same++;
  }
  const labelled = (await analytics.labelledLeads()).map((l) => ({ record: signalsFromLeadScore(l.latest), positive: isPositive(l.label) }));
  return {
    active: active.version,
    shadow: shadow.version,
    live: { scored: rows.length, agreement: rows.length ? Math.round((same / rows.length) * 10_000) / 10_000 : null, matrix },
    labelled: { count: labelled.length, active: precisionOf(active, labelled), shadow: precisionOf(shadow, labelled) },
  };
}
