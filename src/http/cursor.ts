// Keyset paging for GET /leads: the cursor is the (sort key, conversation id)
// of the last row of the previous page, so pages stay stable while new scores
// arrive (an offset would skip or repeat rows).
import { LeadwireError } from '../core/errors.js';
import type { LeadSort } from './lead-read-model.js';

export function encodeCursor(sort: LeadSort, key: number, id: string): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key, i: id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: LeadSort): { key: number; id: string } {
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { parsed = null; }
  const c = parsed as { s?: unknown; k?: unknown; i?: unknown } | null;
  if (!c || typeof c.k !== 'number' || typeof c.i !== 'string' || !/^\d+$/.test(c.i)) {
    throw new LeadwireError('cursor is not one this server returned: pass nextCursor from the previous page unchanged', { kind: 'validation' });
  }
  if (c.s !== sort) throw new LeadwireError(`cursor belongs to sort=${String(c.s)}: keep the same sort while paging`, { kind: 'validation' });
  return { key: c.k, id: c.i };
}
