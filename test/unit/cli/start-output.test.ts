// What `leadwire start` prints: the lead table's filters and reasons, and the lines that say where
// a database run starts, why it read nothing, and how it ended.
import { describe, expect, it } from 'vitest';
import { formatLeadTable } from '../../../src/cli/format-leads.js';
import { nothingReadLine, nothingScoredLine, parseTiers, startLine, summaryLine } from '../../../src/cli/start-report.js';
import { leadScore } from '../http/fixtures.js';

const rows = (table: string) => table.split('\n').filter((l) => /^(qualified|nurturing|unqualified)\s/.test(l));

describe('lead table', () => {
  const records = [
    leadScore({ conversationId: '1', tier: 'unqualified', score: 2, reasons: { positive: [], negative: [] } }),
    leadScore({ conversationId: '2', tier: 'qualified', score: 95 }),
    leadScore({ conversationId: '3', tier: 'unqualified', score: 5, reasons: {
      positive: [{ signal: 'asks_price', kind: 'intent', points: 1.5, messageId: '1', quote: 'precio' }],
      negative: [{ signal: 'not_interested', kind: 'negative', points: -4, messageId: '2', quote: 'no necesito' }],
    } }),
    leadScore({ conversationId: '4', tier: 'nurturing', score: 40 }),
    leadScore({ conversationId: '5', tier: 'qualified', score: 99 }),
  ];

  it('orders by tier then score, and says why an unqualified row is unqualified', () => {
    const lines = rows(formatLeadTable(records));
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['5', '2', '4', '3', '1']);
    // Against first for an unqualified row; no reason at all is "no buying signal", never blank.
    expect(lines[3]).toMatch(/unqualified\s+3 .*−not_interested “no necesito”\s+\+asks_price “precio”$/);
    expect(lines[4]).toMatch(/unqualified\s+1 .*no buying signal$/);
    expect(lines[0]).toMatch(/\+asks_price “precio”$/);
  });

  it('--tier and --limit filter the rows and say how many were left out', () => {
    const table = formatLeadTable(records, { tiers: ['qualified', 'unqualified'], limit: 3 });
    expect(rows(table).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['qualified 5', 'qualified 2', 'unqualified 3']);
    expect(table).toContain('(3 of 5 conversations shown; 1 more beyond --limit 3, 1 of other tiers)');
    expect(formatLeadTable(records)).not.toContain('shown');
    expect(rows(formatLeadTable(records, { tiers: ['nurturing'] }))).toHaveLength(1);
  });

  it('--tier takes known tiers only', () => {
    expect(parseTiers('qualified, nurturing')).toEqual(['qualified', 'nurturing']);
    expect(() => parseTiers('hot')).toThrow(/qualified, nurturing, unqualified/);
  });
});

describe('start lines', () => {
  const cp = { updatedAt: Date.UTC(2026, 10, 1, 9, 30), id: '7372' };

  it('the first line says where reading resumes and how to start over, or that it starts at the first row', () => {
    const resumed = startLine({ database: 'postgres://ro:***@db/wirechat', checkpoint: cp, checkpointFile: '/s/reader-checkpoint.json', fromStart: false, stateDir: '/s' });
    expect(resumed).toBe('leadwire: reading wire_messages from postgres://ro:***@db/wirechat, resuming after the row updated at 2026-11-01 09:30:00Z with id 7372 (saved in /s/reader-checkpoint.json; --from-start reads everything again); state in /s');
    const fresh = startLine({ database: 'x', checkpoint: null, checkpointFile: '/s/cp.json', fromStart: true, stateDir: '/s' });
    expect(fresh).toContain('from the first row (--from-start); the position is saved in /s/cp.json; state in /s');
  });

  it('a run that read nothing says why', () => {
    expect(nothingReadLine({ checkpoint: cp, rowsInTable: 7372 })).toBe('leadwire: read 0 rows: nothing in wire_messages changed after the row updated at 2026-11-01 09:30:00Z with id 7372, where the last run stopped; --from-start reads all 7372 rows again');
    expect(nothingReadLine({ checkpoint: null, rowsInTable: 0 })).toContain('wire_messages is empty');
    expect(nothingScoredLine({ rowsRead: 40, acceptTypes: ['text'] })).toContain('only messages of type text are read (LEADWIRE_ACCEPT_TYPES)');
  });

  it('one summary line for every run', () => {
    expect(summaryLine({ snapshots: 25, signals: 25, leadScores: 16, leadEvents: 9, deadLetters: 0 }))
      .toBe('leadwire: done; 25 snapshots, 25 signal records, 16 lead scores, 9 lead events, 0 dead letters');
  });
});
