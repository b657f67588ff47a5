import type { SignalsRecord } from '../processors/extract/signals-record.js';

const ORDER = { qualified: 0, nurturing: 1, unqualified: 2 } as Record<string, number>;

/** A terminal table of the latest result per conversation, best leads first, with the evidence. */
export function formatLeadTable(records: SignalsRecord[]): string {
  const rows = [...records].sort((a, b) => (ORDER[a.tier]! - ORDER[b.tier]!) || b.ruleScore - a.ruleScore);
  const lines: string[] = ['', 'tier        conversation  score  why'];
  for (const r of rows) {
    const top = r.signals.filter((s) => s.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, 3);
    const neg = r.signals.filter((s) => s.weight < 0).slice(0, 1);
    const why = [...top, ...neg].map((s) => `${s.id}${s.evidence[0] ? ` “${s.evidence[0].quote}”` : ''}`).join('; ');
    lines.push(`${r.tier.padEnd(11)} ${r.conversationId.padEnd(13)} ${r.ruleScore.toFixed(1).padStart(5)}  ${why || '—'}`);
  }
  return `${lines.join('\n')}\n\n`;
}
