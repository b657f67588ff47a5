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
  return a.id === b.id && a.sender === b.sender && a.body === b.body && a.language === b.language && a.languageReliable === b.languageReliable
    && a.createdAt === b.createdAt && a.updatedAt === b.updatedAt && samePii(a.pii, b.pii);
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
  while (i > 0 && compareKey(list[i - 1]!.createdAt, list[i - 1]!.id, t, id) > 0) i--;
  return i;
}

function tombstoneTime(msg: NormalizedMessage, eventTime: number): number {
  if (msg.sourceOp === 'd') return FOREVER;
  return msg.deletedAt ?? msg.updatedAt ?? eventTime;
}

function withTombstone(x: WindowState['deletes'], id: string, time: number): Array<[string, number]> {
  const rest = (x ?? []).filter(([i]) => i !== id);
  rest.push([id, time]);
  return rest.length > MAX_TOMBSTONES ? rest.slice(rest.length - MAX_TOMBSTONES) : rest;
}

/** Applies one normalized message (upsert or delete) to the transcript, then enforces the budget. */
export function applyMessage(st: WindowState, msg: NormalizedMessage, eventTime: number, budget: Budget): ApplyResult {
  const same = (outcome: ApplyOutcome): ApplyResult => ({ state: st, outcome, changed: false, dirty: false });
  const pos = st.messages.findIndex((m) => m.id === msg.id);
  const existing = pos >= 0 ? st.messages[pos] : undefined;
  const belowWatermark = !!st.folded && compareKey(msg.createdAt, msg.id, st.folded.watermark[0], st.folded.watermark[1]) <= 0;

  if (msg.op === 'delete') {
    if (existing) {
      if (msg.sourceOp !== 'd' && msg.updatedAt != null && msg.updatedAt < (existing.updatedAt ?? existing.createdAt)) return same('stale');
      const m = st.messages.slice(0, pos).concat(st.messages.slice(pos + 1));
      return { state: { ...st, messages: m, deletes: withTombstone(st.deletes, msg.id, tombstoneTime(msg, eventTime)) }, outcome: 'deleted', changed: true, dirty: true };
    }
    // Folded or older than the transcript: its content is already gone from the window.
    if (belowWatermark) return same('folded_away');
    // Unknown id: remember the delete so an out-of-order or redelivered insert cannot bring it back.
    const time = tombstoneTime(msg, eventTime);
    const known = st.deletes?.find(([i]) => i === msg.id);
    if (known && known[1] >= time) return same('unknown_delete');
    return { state: { ...st, deletes: withTombstone(st.deletes, msg.id, time) }, outcome: 'unknown_delete', changed: false, dirty: true };
  }

  const version = msg.updatedAt ?? msg.createdAt;
  let x = st.deletes;
  const tomb = x?.find(([i]) => i === msg.id);
  if (tomb) {
    if (tomb[1] >= version) return same('tombstoned');
    x = x!.filter(([i]) => i !== msg.id); // restored after a soft delete
    if (!x.length) x = undefined;
  }
  if (!existing && belowWatermark) return same('folded_away');
  if (existing && msg.updatedAt != null && msg.updatedAt < (existing.updatedAt ?? existing.createdAt)) return same('stale');

  const body = msg.bodyUnchanged ? existing?.body : (msg.body ?? undefined);
  if (body === undefined || (!existing && body === '')) return same('no_body');

  const { sd, index } = senderIndex(st.senders, msg.sender.type, msg.sender.id, msg.sender.role);
  const next: StoredMessage = { id: msg.id, sender: index, body: body, language: existing && msg.bodyUnchanged ? existing.language : intern(msg.language.code), createdAt: msg.createdAt };
  const reliable = existing && msg.bodyUnchanged ? existing.languageReliable === 1 : msg.language.reliable;
  if (reliable) next.languageReliable = 1;
  if (msg.updatedAt != null && msg.updatedAt !== msg.createdAt) next.updatedAt = msg.updatedAt;
  const pii = existing && msg.bodyUnchanged ? existing.pii : piiOf(msg);
  if (pii) next.pii = pii;

  if (existing && sameMessage(existing, next)) {
    return x === st.deletes ? same('unchanged') : { state: { ...st, deletes: x }, outcome: 'unchanged', changed: false, dirty: true };
  }
  const contentSame = existing !== undefined && existing.body === next.body && existing.sender === next.sender && existing.createdAt === next.createdAt;

  let m: StoredMessage[];
  if (existing && existing.createdAt === next.createdAt) {
    m = st.messages.slice();
    m[pos] = next;
  } else {
    m = existing ? st.messages.slice(0, pos).concat(st.messages.slice(pos + 1)) : st.messages.slice();
    m.splice(insertionIndex(m, next.createdAt, next.id), 0, next);
  }
  let state: WindowState = { ...st, messages: m, senders: sd };
  if (x !== st.deletes) state.deletes = x;
  if (!x) delete state.deletes;
  if (state.contact === undefined && msg.sender.role === 'customer') state.contact = index;
  state = foldToBudget(state, budget);
  // An edit that only moved updatedAt (or metadata we do not show) still needs a put, not an emission.
  const changed = !existing || !contentSame || !samePii(existing.pii, next.pii) || existing.language !== next.language || existing.languageReliable !== next.languageReliable;
  return { state, outcome: existing ? 'edited' : 'inserted', changed, dirty: true };
}

/** A transcript entry as shown downstream: consecutive repeats of one customer text are one group. */
export interface Group { start: number; count: number }

export function collapse(st: Pick<WindowState, 'messages' | 'senders'>): Group[] {
  const m = st.messages;
  const groups: Group[] = [];
  let prevKey: string | null = null;
  let prev: StoredMessage | undefined;
  for (let i = 0; i < m.length; i++) {
    const cur = m[i]!;
    const key = roleOf(st, cur) === 'customer' ? repeatKey(cur.body) : null;
    if (key !== null && prev && prevKey === key && prev.sender === cur.sender && groups.length) {
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
  if (st.messages.length <= 1) return st;
  const groups = collapse(st);
  let chars = 0;
  for (const g of groups) chars += st.messages[g.start]!.body.length;
  let k = 0;
  while (groups.length - k > 1 && (groups.length - k > budget.maxMessages || chars > budget.maxChars)) {
    chars -= st.messages[groups[k]!.start]!.body.length;
    k++;
  }
  if (k === 0) return st;
  const cut = groups[k]!.start;
  return { ...st, messages: st.messages.slice(cut), folded: foldInto(st.folded, st.messages.slice(0, cut), st.senders) };
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
    ? { ...prev, roleCounts: [...prev.roleCounts] as Folded['roleCounts'], watermark: [last.createdAt, last.id] }
    : { roleCounts: [0, 0, 0, 0], chars: 0, firstAt: first.createdAt, lastAt: last.createdAt, watermark: [last.createdAt, last.id] };
  let pc = f.unansweredSince;
  const rt = f.responseTimes ? f.responseTimes.slice() : [];
  let lw = f.languageWeights ? { ...f.languageWeights } : undefined;
  let p = f.pii;
  for (const m of msgs) {
    const role = roleOf({ senders: sd }, m);
    f.roleCounts[roleIndex(role)]! += 1;
    f.chars += m.body.length;
    if (role === 'customer') {
      f.lastCustomerAt = m.createdAt;
      if (pc === undefined) pc = m.createdAt;
    } else if (role === 'agent' && pc !== undefined) {
      rt.push(m.createdAt - pc);
      pc = undefined;
    }
    if (m.languageReliable) { lw ??= {}; lw[m.language] = (lw[m.language] ?? 0) + m.body.length; }
    p = addPii(p, m.pii);
  }
  f.lastAt = last.createdAt;
  f.firstAt = Math.min(f.firstAt, first.createdAt);
  if (pc === undefined) delete f.unansweredSince; else f.unansweredSince = pc;
  if (rt.length) f.responseTimes = rt.length > MAX_FOLDED_RESPONSE_TIMES ? rt.slice(rt.length - MAX_FOLDED_RESPONSE_TIMES) : rt;
  if (lw) f.languageWeights = lw;
  if (p) f.pii = p;
  return f;
}
