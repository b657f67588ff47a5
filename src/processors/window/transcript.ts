// The bounded, ordered transcript of one conversation: upserts (inserts and
// edits), deletes, repeat collapsing and folding of the oldest messages into
// counters. Pure functions over WindowState; every change returns new arrays
// and objects so a changelog write that still references an older state is
// never mutated behind its back.
import type { NormalizedMessage } from '../../records/normalized-message.js';
import { roleIndex, roleOf, type Folded, type Pii4, type Sender, type StoredMessage, type WindowState } from './state.js';

export interface Budget { maxMessages: number; maxChars: number }

export type ApplyOutcome =
  | 'inserted' | 'edited' | 'deleted'
  | 'unchanged' | 'stale' | 'tombstoned' | 'folded_away' | 'unknown_delete' | 'no_body';

export interface ApplyResult {
  state: WindowState;
  outcome: ApplyOutcome;
  /** The transcript content changed (something to emit eventually). */
  changed: boolean;
  /** The state object differs from the input (needs a put), even when content did not change. */
  dirty: boolean;
}

/** How many recent deletes are remembered per conversation. */
const MAX_TOMBSTONES = 32;
/** How many folded response times are kept. */
const MAX_FOLDED_RESPONSE_TIMES = 50;
/** Hard deletes are final: no later update may resurrect the row. */
const FOREVER = Number.MAX_SAFE_INTEGER;

const DIGITS = /^\d+$/;

// Language codes arrive as fresh strings in every parsed record; with 100k
// conversations × 20 messages one shared copy per code saves ~15 bytes a message.
const CODES = new Map<string, string>();
function intern(code: string): string {
  const known = CODES.get(code);
  if (known !== undefined) return known;
  if (CODES.size < 256 && code.length <= 12) CODES.set(code, code);
  return code;
}

/** Orders ids as bigints without allocating BigInts (decimal strings without leading zeros). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (DIGITS.test(a) && DIGITS.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
    return a < b ? -1 : 1;
  }
  return a < b ? -1 : 1;
}

/** Transcript order: createdAt, then id as bigint. */
export function compareKey(at: number, aid: string, bt: number, bid: string): number {
  return at !== bt ? at - bt : compareIds(aid, bid);
}

/** Case-, accent- and whitespace-insensitive form used to detect repeated customer texts. */
export function repeatKey(text: string): string {
  let k = repeatKeys.get(text);
  if (k === undefined) {
    k = text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
    // The transcript is re-grouped on every message: remember recent texts (bounded).
    if (repeatKeys.size >= 20_000) repeatKeys.clear();
    repeatKeys.set(text, k);
  }
  return k;
}
const repeatKeys = new Map<string, string>();

function samePii(a: Pii4 | undefined, b: Pii4 | undefined): boolean {
  if (!a || !b) return a === b;
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

function sameMessage(a: StoredMessage, b: StoredMessage): boolean {
  return a.i === b.i && a.s === b.s && a.b === b.b && a.l === b.l && a.lr === b.lr
    && a.t === b.t && a.u === b.u && samePii(a.p, b.p);
}

function piiOf(msg: NormalizedMessage): Pii4 | undefined {
  const p = msg.pii;
  if (!p || (!p.emails && !p.phones && !p.cards && !p.ids)) return undefined;
  return [p.emails, p.phones, p.cards, p.ids];
}

function senderIndex(sd: Sender[], type: string | null, id: string | null, role: Sender[2]): { sd: Sender[]; index: number } {
  const i = sd.findIndex(([t, s, r]) => t === type && s === id && r === role);
  if (i >= 0) return { sd, index: i };
  return { sd: [...sd, [type, id, role]], index: sd.length };
}

/** Index at which a message with (t, id) goes; searched from the end since most arrive in order. */
function insertionIndex(list: StoredMessage[], t: number, id: string): number {
  let i = list.length;
  while (i > 0 && compareKey(list[i - 1]!.t, list[i - 1]!.i, t, id) > 0) i--;
  return i;
}

function tombstoneTime(msg: NormalizedMessage, eventTime: number): number {
  if (msg.sourceOp === 'd') return FOREVER;
  return msg.deletedAt ?? msg.updatedAt ?? eventTime;
}

function withTombstone(x: WindowState['x'], id: string, time: number): Array<[string, number]> {
  const rest = (x ?? []).filter(([i]) => i !== id);
  rest.push([id, time]);
  return rest.length > MAX_TOMBSTONES ? rest.slice(rest.length - MAX_TOMBSTONES) : rest;
}

/** Applies one normalized message (upsert or delete) to the transcript, then enforces the budget. */
export function applyMessage(st: WindowState, msg: NormalizedMessage, eventTime: number, budget: Budget): ApplyResult {
  const same = (outcome: ApplyOutcome): ApplyResult => ({ state: st, outcome, changed: false, dirty: false });
  const pos = st.m.findIndex((m) => m.i === msg.id);
  const existing = pos >= 0 ? st.m[pos] : undefined;
  const belowWatermark = !!st.f && compareKey(msg.createdAt, msg.id, st.f.w[0], st.f.w[1]) <= 0;

  if (msg.op === 'delete') {
    if (existing) {
      if (msg.sourceOp !== 'd' && msg.updatedAt != null && msg.updatedAt < (existing.u ?? existing.t)) return same('stale');
      const m = st.m.slice(0, pos).concat(st.m.slice(pos + 1));
      return { state: { ...st, m, x: withTombstone(st.x, msg.id, tombstoneTime(msg, eventTime)) }, outcome: 'deleted', changed: true, dirty: true };
    }
    // Folded or older than the transcript: its content is already gone from the window.
    if (belowWatermark) return same('folded_away');
    // Unknown id: remember the delete so an out-of-order or redelivered insert cannot bring it back.
    const time = tombstoneTime(msg, eventTime);
    const known = st.x?.find(([i]) => i === msg.id);
    if (known && known[1] >= time) return same('unknown_delete');
    return { state: { ...st, x: withTombstone(st.x, msg.id, time) }, outcome: 'unknown_delete', changed: false, dirty: true };
  }

  const version = msg.updatedAt ?? msg.createdAt;
  let x = st.x;
  const tomb = x?.find(([i]) => i === msg.id);
  if (tomb) {
    if (tomb[1] >= version) return same('tombstoned');
    x = x!.filter(([i]) => i !== msg.id); // restored after a soft delete
    if (!x.length) x = undefined;
  }
  if (!existing && belowWatermark) return same('folded_away');
  if (existing && msg.updatedAt != null && msg.updatedAt < (existing.u ?? existing.t)) return same('stale');

  const body = msg.bodyUnchanged ? existing?.b : (msg.body ?? undefined);
  if (body === undefined || (!existing && body === '')) return same('no_body');

  const { sd, index } = senderIndex(st.sd, msg.sender.type, msg.sender.id, msg.sender.role);
  const next: StoredMessage = { i: msg.id, s: index, b: body, l: existing && msg.bodyUnchanged ? existing.l : intern(msg.language.code), t: msg.createdAt };
  const reliable = existing && msg.bodyUnchanged ? existing.lr === 1 : msg.language.reliable;
  if (reliable) next.lr = 1;
  if (msg.updatedAt != null && msg.updatedAt !== msg.createdAt) next.u = msg.updatedAt;
  const pii = existing && msg.bodyUnchanged ? existing.p : piiOf(msg);
  if (pii) next.p = pii;

  if (existing && sameMessage(existing, next)) {
    return x === st.x ? same('unchanged') : { state: { ...st, x }, outcome: 'unchanged', changed: false, dirty: true };
  }
  const contentSame = existing !== undefined && existing.b === next.b && existing.s === next.s && existing.t === next.t;

  let m: StoredMessage[];
  if (existing && existing.t === next.t) {
    m = st.m.slice();
    m[pos] = next;
  } else {
    m = existing ? st.m.slice(0, pos).concat(st.m.slice(pos + 1)) : st.m.slice();
    m.splice(insertionIndex(m, next.t, next.i), 0, next);
  }
  let state: WindowState = { ...st, m, sd };
  if (x !== st.x) state.x = x;
  if (!x) delete state.x;
  if (state.ct === undefined && msg.sender.role === 'customer') state.ct = index;
  state = foldToBudget(state, budget);
  // An edit that only moved updatedAt (or metadata we do not show) still needs a put, not an emission.
  const changed = !existing || !contentSame || !samePii(existing.p, next.p) || existing.l !== next.l || existing.lr !== next.lr;
  return { state, outcome: existing ? 'edited' : 'inserted', changed, dirty: true };
}

/** A transcript entry as shown downstream: consecutive repeats of one customer text are one group. */
export interface Group { start: number; count: number }

export function collapse(st: Pick<WindowState, 'm' | 'sd'>): Group[] {
  const m = st.m;
  const groups: Group[] = [];
  let prevKey: string | null = null;
  let prev: StoredMessage | undefined;
  for (let i = 0; i < m.length; i++) {
    const cur = m[i]!;
    const key = roleOf(st, cur) === 'customer' ? repeatKey(cur.b) : null;
    if (key !== null && prev && prevKey === key && prev.s === cur.s && groups.length) {
      groups[groups.length - 1]!.count++;
    } else {
      groups.push({ start: i, count: 1 });
    }
    prev = cur;
    prevKey = key;
  }
  return groups;
}

/** Folds the oldest groups into counters until the transcript fits both budgets (one group always stays). */
export function foldToBudget(st: WindowState, budget: Budget): WindowState {
  if (st.m.length <= 1) return st;
  const groups = collapse(st);
  let chars = 0;
  for (const g of groups) chars += st.m[g.start]!.b.length;
  let k = 0;
  while (groups.length - k > 1 && (groups.length - k > budget.maxMessages || chars > budget.maxChars)) {
    chars -= st.m[groups[k]!.start]!.b.length;
    k++;
  }
  if (k === 0) return st;
  const cut = groups[k]!.start;
  return { ...st, m: st.m.slice(cut), f: foldInto(st.f, st.m.slice(0, cut), st.sd) };
}

function addPii(a: Pii4 | undefined, b: Pii4 | undefined): Pii4 | undefined {
  if (!b) return a;
  if (!a) return [b[0], b[1], b[2], b[3]];
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
}

/** Adds folded messages (in order, all newer than the previous fold) to the folded counters. */
export function foldInto(prev: Folded | undefined, msgs: StoredMessage[], sd: Sender[]): Folded {
  const first = msgs[0]!;
  const last = msgs[msgs.length - 1]!;
  const f: Folded = prev
    ? { ...prev, n: [...prev.n] as Folded['n'], w: [last.t, last.i] }
    : { n: [0, 0, 0, 0], ch: 0, ft: first.t, lt: last.t, w: [last.t, last.i] };
  let pc = f.pc;
  const rt = f.rt ? f.rt.slice() : [];
  let lw = f.lw ? { ...f.lw } : undefined;
  let p = f.p;
  for (const m of msgs) {
    const role = roleOf({ sd }, m);
    f.n[roleIndex(role)]! += 1;
    f.ch += m.b.length;
    if (role === 'customer') {
      f.lc = m.t;
      if (pc === undefined) pc = m.t;
    } else if (role === 'agent' && pc !== undefined) {
      rt.push(m.t - pc);
      pc = undefined;
    }
    if (m.lr) { lw ??= {}; lw[m.l] = (lw[m.l] ?? 0) + m.b.length; }
    p = addPii(p, m.p);
  }
  f.lt = last.t;
  f.ft = Math.min(f.ft, first.t);
  if (pc === undefined) delete f.pc; else f.pc = pc;
  if (rt.length) f.rt = rt.length > MAX_FOLDED_RESPONSE_TIMES ? rt.slice(rt.length - MAX_FOLDED_RESPONSE_TIMES) : rt;
  if (lw) f.lw = lw;
  if (p) f.p = p;
  return f;
}
