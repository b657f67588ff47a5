import type { LeadScoreRecord } from '../records/lead-records.js';

const ORDER = { qualified: 0, nurturing: 1, unqualified: 2 } as Record<string, number>;

/** A terminal table of the latest lead score per conversation, best first, with the customer's words. */
export function formatLeadTable(records: LeadScoreRecord[]): string {
  const rows = [...records].sort((a, b) => (ORDER[a.tier]! - ORDER[b.tier]!) || b.score - a.score);
  const lines: string[] = ['', 'tier        conversation   score  prob  why'];
  for (const r of rows) {
    const why = [...r.reasons.positive.slice(0, 3), ...r.reasons.negative.slice(0, 1)]
      .map((x) => `${x.points >= 0 ? '+' : '−'}${x.signal}${x.quote ? ` “${x.quote}”` : ''}`).join('  ');
    lines.push(`${r.tier.padEnd(11)} ${r.conversationId.padEnd(13)} ${String(Math.round(r.score)).padStart(5)}  ${(r.probability * 100).toFixed(0).padStart(3)}%  ${why || '—'}`);
  }
  return `${lines.join('\n')}\n\n`;
}
