// Re-scoring after a scoring or prompt version change: the latest signals of
// each lead (rebuilt from its stored lead score) go back onto the signals topic,
// newest first; the score stage re-scores those whose versions differ (same
// snapshot, new scoring version → a new event id) and ignores exact repeats.
// Leads whose prompt version is stale need the LLM again: they count against
// the cost ceiling, and those past it wait for the next run.
import type { AnalyticsStore, StaleLead } from '../ports/analytics-store.js';
import type { SignalsRecord } from '../records/signals-record.js';
import { signalsFromLeadScore } from './lead-score-signals.js';

export interface RescoreOptions {
  scoringVersion: string;
  /** The prompt version the extract stage runs now; null when no LLM is configured. */
  promptVersion: string | null;
  staleOnly: boolean;
  maxLlmCalls: number;
  limit: number;
}

export interface RescoreItem { conversationId: string; scoredAt: number; needsLlm: boolean }

export interface RescorePlan { items: RescoreItem[]; llmCalls: number; deferred: RescoreItem[] }

/** Newest first; LLM work stops at the ceiling (later items that need no LLM still go). */
export function planRescore(leads: StaleLead[], opts: Pick<RescoreOptions, 'promptVersion' | 'maxLlmCalls'>): RescorePlan {
  const items: RescoreItem[] = [];
  const deferred: RescoreItem[] = [];
  let llmCalls = 0;
  for (const l of [...leads].sort((a, b) => b.scoredAt - a.scoredAt)) {
    const needsLlm = opts.promptVersion !== null && l.promptVersion !== opts.promptVersion;
    const item = { conversationId: l.conversationId, scoredAt: l.scoredAt, needsLlm };
    if (needsLlm && llmCalls >= opts.maxLlmCalls) { deferred.push(item); continue; }
    if (needsLlm) llmCalls++;
    items.push(item);
  }
  return { items, llmCalls, deferred };
}

export async function candidates(analytics: AnalyticsStore, opts: RescoreOptions): Promise<StaleLead[]> {
  if (opts.staleOnly) return analytics.staleLeads({ scoringVersion: opts.scoringVersion, promptVersion: opts.promptVersion, limit: opts.limit });
  const out: StaleLead[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<AnalyticsStore['listLeads']>> = await analytics.listLeads({ limit: Math.min(500, opts.limit - out.length), cursor });
    out.push(...page.items.map((l) => ({ conversationId: l.conversationId, scoredAt: l.scoredAt, scoringVersion: l.scoringVersion, promptVersion: l.promptVersion })));
    cursor = page.next;
  } while (cursor && out.length < opts.limit);
  return out;
}

/** The signals records to publish for a plan, with their original event times (decay stays what it was). */
export async function rescoreRecords(analytics: AnalyticsStore, plan: RescorePlan): Promise<Array<{ key: string; value: SignalsRecord; timestamp: number }>> {
  const out: Array<{ key: string; value: SignalsRecord; timestamp: number }> = [];
  for (const item of plan.items) {
    const latest = await analytics.latestScore(item.conversationId);
    if (!latest) continue;
    out.push({ key: item.conversationId, value: signalsFromLeadScore(latest), timestamp: latest.scoredAt });
  }
  return out;
}
