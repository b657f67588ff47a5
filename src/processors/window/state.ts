// The per-conversation state of the window stage. It is JSON-serialised into
// the store's changelog on every put and 100k open conversations must fit in
// memory, so defaults are omitted, repeated sender strings live once in a small
// table that messages point into, and on the wire keys are short
// (state-codec.ts); code reads full names.
import type { Role } from '../../records/normalized-message.js';

/** Name of the window stage's conversation store (declare it in the StageSpec). */
export const CONVERSATION_STORE = 'conversations';

/** emails, phones, cards, ids: omitted when all zero. */
export type Pii4 = [number, number, number, number];

/** One message kept in the transcript. Never mutated: edits replace the object. */
export interface StoredMessage {
  /** id (decimal string) */
  id: string;
  /** index into WindowState.senders (sender type, id and role) */
  sender: number;
  /** body (cleaned, redacted) */
  body: string;
  /** language code of this message */
  language: string;
  /** 1 when the language detection was reliable */
  languageReliable?: 1;
  /** createdAt, epoch ms */
  createdAt: number;
  /** updatedAt, epoch ms, when it differs from createdAt (stale-update detection) */
  updatedAt?: number;
  /** PII facts */
  pii?: Pii4;
}

export type Sender = [type: string | null, id: string | null, role: Role];

/** Role order used by the counter arrays. */
export const ROLES: readonly Role[] = ['customer', 'agent', 'bot', 'unknown'];

/** What the message budget folded out of the transcript. */
export interface Folded {
  /** messages by role, in ROLES order */
  roleCounts: [number, number, number, number];
  /** characters of the folded bodies */
  chars: number;
  /** first and last createdAt of the folded messages */
  firstAt: number;
  lastAt: number;
  /** last customer message createdAt among them */
  lastCustomerAt?: number;
  /** start of a customer run still unanswered at the end of the folded prefix */
  unansweredSince?: number;
  /** response times resolved inside the folded prefix (most recent, bounded) */
  responseTimes?: number[];
  /** reliable-language weights (chars by language code) */
  languageWeights?: Record<string, number>;
  pii?: Pii4;
  /** (createdAt, id) of the newest folded message: anything at or before it is ignored */
  watermark: [number, string];
}

export interface WindowState {
  /** transcript, sorted by (createdAt, id as bigint) */
  messages: StoredMessage[];
  /** senders: [sendable_type, sendable_id, role]; messages point into it */
  senders: Sender[];
  /** contact: index into senders of the first customer sender */
  contact?: number;
  folded?: Folded;
  /** recent deletes [id, time]: a redelivered or stale upsert must not resurrect them */
  deletes?: Array<[string, number]>;
  /** latest event time (record timestamp) of a change */
  latestEventTime: number;
  /** event time of the first change not yet emitted; absent when nothing is pending */
  pendingSince?: number;
  /** last emitted version (0 before the first snapshot) */
  version: number;
  /** content hash of the last emitted snapshot */
  hash?: string;
  /**
   * 1 once the TTL expired: the content is gone and only the version is kept
   * (for RETIRED_TTL_FACTOR more TTLs) so a conversation that comes back does
   * not reuse version numbers downstream already saw.
   */
  retired?: 1;
}

/** How many TTLs a retired conversation's version marker is kept. */
export const RETIRED_TTL_FACTOR = 12;

/** The marker left when a conversation's TTL expires (a few dozen bytes). */
export function retire(st: WindowState): WindowState {
  const r: WindowState = { messages: [], senders: [], latestEventTime: st.latestEventTime, version: st.version, retired: 1 };
  if (st.hash) r.hash = st.hash;
  return r;
}

/** A conversation coming back after its TTL: fresh content, versions continue. */
export function revive(st: WindowState, eventTime: number): WindowState {
  return { ...emptyState(Math.max(st.latestEventTime, eventTime)), version: st.version };
}

export function emptyState(eventTime: number): WindowState {
  return { messages: [], senders: [], latestEventTime: eventTime, version: 0 };
}

export function isEmpty(st: WindowState): boolean {
  return st.messages.length === 0 && !st.folded;
}

export function roleOf(st: Pick<WindowState, 'senders'>, m: StoredMessage): Role {
  return st.senders[m.sender]?.[2] ?? 'unknown';
}

export function roleIndex(role: Role): number {
  const i = ROLES.indexOf(role);
  return i < 0 ? 3 : i;
}
