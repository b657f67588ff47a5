// The per-conversation state of the window stage. It is JSON-serialised into
// the store's changelog on every put and 100k open conversations must fit in
// memory, so keys are short, defaults are omitted, and repeated sender strings
// live once in a small table that messages point into.
import type { Role } from '../../records/normalized-message.js';

/** Name of the window stage's conversation store (declare it in the StageSpec). */
export const CONVERSATION_STORE = 'conversations';

/** emails, phones, cards, ids: omitted when all zero. */
export type Pii4 = [number, number, number, number];

/** One message kept in the transcript. Never mutated: edits replace the object. */
export interface StoredMessage {
  /** id (decimal string) */
  i: string;
  /** index into WindowState.sd (sender type, id and role) */
  s: number;
  /** body (cleaned, redacted) */
  b: string;
  /** language code of this message */
  l: string;
  /** 1 when the language detection was reliable */
  lr?: 1;
  /** createdAt, epoch ms */
  t: number;
  /** updatedAt, epoch ms, when it differs from createdAt (stale-update detection) */
  u?: number;
  /** PII facts */
  p?: Pii4;
}

export type Sender = [type: string | null, id: string | null, role: Role];

/** Role order used by the counter arrays. */
export const ROLES: readonly Role[] = ['customer', 'agent', 'bot', 'unknown'];

/** What the message budget folded out of the transcript. */
export interface Folded {
  /** messages by role, in ROLES order */
  n: [number, number, number, number];
  /** characters of the folded bodies */
  ch: number;
  /** first and last createdAt of the folded messages */
  ft: number;
  lt: number;
  /** last customer message createdAt among them */
  lc?: number;
  /** start of a customer run still unanswered at the end of the folded prefix */
  pc?: number;
  /** response times resolved inside the folded prefix (most recent, bounded) */
  rt?: number[];
  /** reliable-language weights (chars by language code) */
  lw?: Record<string, number>;
  p?: Pii4;
  /** (createdAt, id) of the newest folded message: anything at or before it is ignored */
  w: [number, string];
}

export interface WindowState {
  /** transcript, sorted by (createdAt, id as bigint) */
  m: StoredMessage[];
  /** senders: [sendable_type, sendable_id, role]; messages point into it */
  sd: Sender[];
  /** contact: index into sd of the first customer sender */
  ct?: number;
  f?: Folded;
  /** recent deletes [id, time]: a redelivered or stale upsert must not resurrect them */
  x?: Array<[string, number]>;
  /** latest event time (record timestamp) of a change */
  le: number;
  /** event time of the first change not yet emitted; absent when nothing is pending */
  ps?: number;
  /** last emitted version (0 before the first snapshot) */
  v: number;
  /** content hash of the last emitted snapshot */
  h?: string;
  /**
   * 1 once the TTL expired: the content is gone and only the version is kept
   * (for RETIRED_TTL_FACTOR more TTLs) so a conversation that comes back does
   * not reuse version numbers downstream already saw.
   */
  z?: 1;
}

/** How many TTLs a retired conversation's version marker is kept. */
export const RETIRED_TTL_FACTOR = 12;

/** The marker left when a conversation's TTL expires (a few dozen bytes). */
export function retire(st: WindowState): WindowState {
  const r: WindowState = { m: [], sd: [], le: st.le, v: st.v, z: 1 };
  if (st.h) r.h = st.h;
  return r;
}

/** A conversation coming back after its TTL: fresh content, versions continue. */
export function revive(st: WindowState, eventTime: number): WindowState {
  return { ...emptyState(Math.max(st.le, eventTime)), v: st.v };
}

export function emptyState(eventTime: number): WindowState {
  return { m: [], sd: [], le: eventTime, v: 0 };
}

export function isEmpty(st: WindowState): boolean {
  return st.m.length === 0 && !st.f;
}

export function roleOf(st: Pick<WindowState, 'sd'>, m: StoredMessage): Role {
  return st.sd[m.s]?.[2] ?? 'unknown';
}

export function roleIndex(role: Role): number {
  const i = ROLES.indexOf(role);
  return i < 0 ? 3 : i;
}
