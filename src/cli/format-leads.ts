import type { LeadScoreRecord } from '../records/lead-records.js';

const ORDER = { qualified: 0, nurturing: 1, unqualified: 2 } as Record<string, number>;

export interface LeadTableOptions {
  /** Only rows of these tiers. */
  tiers?: string[];
  /** At most this many rows (best first); a closing line says how many were left out. */
  limit?: number;
}

type Reason = LeadScoreRecord['reasons']['positive'][number];
const reasonText = (x: Reason) => `${x.points >= 0 ? '+' : '−'}${x.signal}${x.quote ? ` “${x.quote}”` : ''}`;

/**
 * Why a row has its tier: for a lead, the signals for it first; for an unqualified row, what
 * counted against it first. A row with no reason at all had no buying signal in it.
 */
function why(r: LeadScoreRecord): string {
  const { positive, negative } = r.reasons;
  const shown = r.tier === 'unqualified' ? [...negative.slice(0, 3), ...positive.slice(0, 1)] : [...positive.slice(0, 3), ...negative.slice(0, 1)];
  return shown.length ? shown.map(reasonText).join('  ') : 'no buying signal';
}

/** A terminal table of the latest lead score per conversation, best first, with the customer's words. */
export function formatLeadTable(records: LeadScoreRecord[], opts: LeadTableOptions = {}): string {
  const matching = [...records]
    .filter((r) => !opts.tiers?.length || opts.tiers.includes(r.tier))
    .sort((a, b) => (ORDER[a.tier]! - ORDER[b.tier]!) || b.score - a.score);
  const rows = opts.limit === undefined ? matching : matching.slice(0, opts.limit);
  const lines: string[] = ['', 'tier        conversation   score  prob  why'];
  for (const r of rows) {
    lines.push(`${r.tier.padEnd(11)} ${r.conversationId.padEnd(13)} ${String(Math.round(r.score)).padStart(5)}  ${(r.probability * 100).toFixed(0).padStart(3)}%  ${why(r)}`);
  }
  const hidden = records.length - rows.length;
  if (hidden > 0) {
    const parts = [
      matching.length > rows.length ? `${matching.length - rows.length} more beyond --limit ${opts.limit}` : '',
      records.length > matching.length ? `${records.length - matching.length} of other tiers` : '',
    ].filter(Boolean);
    lines.push(`(${rows.length} of ${records.length} conversations shown; ${parts.join(', ')})`);
  }
  return `${lines.join('\n')}\n\n`;
}
