// What `leadwire start` tells a person about a run over wire_messages: where it starts reading
// and where its state lives, why a run read nothing, and the closing summary (the same line on
// the sample path and the database path).
import { InvalidArgumentError } from 'commander';
import type { Checkpoint } from '../sources/pg-table-reader.js';

const TIERS = ['qualified', 'nurturing', 'unqualified'];

/** `--tier qualified,nurturing` → the tiers, checked. */
export function parseTiers(v: string): string[] {
  const tiers = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = tiers.filter((t) => !TIERS.includes(t));
  if (bad.length || tiers.length === 0) throw new InvalidArgumentError(`tiers are ${TIERS.join(', ')} (comma-separated)`);
  return tiers;
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z');

const position = (cp: Checkpoint) => `the row updated at ${when(cp.updatedAt)} with id ${cp.id}`;

/** The first line of a database run: where it reads from, whether it resumes, and how to start over. */
export function startLine(o: { database: string; checkpoint: Checkpoint | null; checkpointFile: string; fromStart: boolean; stateDir: string }): string {
  const from = o.checkpoint
    ? `resuming after ${position(o.checkpoint)} (saved in ${o.checkpointFile}; --from-start reads everything again)`
    : `from the first row${o.fromStart ? ' (--from-start)' : ''}; the position is saved in ${o.checkpointFile}`;
  return `leadwire: reading wire_messages from ${o.database}, ${from}; state in ${o.stateDir}`;
}

/** Why a database run read no row, and what to do about it. */
export function nothingReadLine(o: { checkpoint: Checkpoint | null; rowsInTable: number }): string {
  if (o.rowsInTable === 0) return 'leadwire: read 0 rows: wire_messages is empty (is DATABASE_URL the WireChat database?)';
  if (o.checkpoint) {
    return `leadwire: read 0 rows: nothing in wire_messages changed after ${position(o.checkpoint)}, where the last run stopped; --from-start reads all ${o.rowsInTable} rows again`;
  }
  return `leadwire: read 0 rows although wire_messages has ${o.rowsInTable}`;
}

/** Rows were read but no conversation was scored: the usual filters that drop every message. */
export function nothingScoredLine(o: { rowsRead: number; acceptTypes: string[] }): string {
  return `leadwire: none of the ${o.rowsRead} rows read became a conversation to score: only messages of type ${o.acceptTypes.join(', ')} are read (LEADWIRE_ACCEPT_TYPES), within LEADWIRE_FROM_DATE/LEADWIRE_TO_DATE, not deleted; the dead letters and LOG_LEVEL=debug say more`;
}

export interface RunCounts { snapshots: number; signals: number; leadScores: number; leadEvents: number; deadLetters: number }

/** The closing line of every `start` run. */
export function summaryLine(c: RunCounts): string {
  return `leadwire: done; ${c.snapshots} snapshots, ${c.signals} signal records, ${c.leadScores} lead scores, ${c.leadEvents} lead events, ${c.deadLetters} dead letters`;
}
