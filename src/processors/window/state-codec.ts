// The window state on the wire: the conversation store's changelog and its
// in-memory text use one- and two-letter keys (100k open conversations must fit
// in memory); code uses the full names of state.ts. The short keys are the
// ones every earlier version wrote, so old changelogs restore unchanged.
import type { StoreCodec } from '../../stream/stage.js';
import type { Folded, Pii4, Sender, StoredMessage, WindowState } from './state.js';

interface WireMessage { i: string; s: number; b: string; l: string; lr?: 1; t: number; u?: number; p?: Pii4 }
interface WireFolded {
  n: [number, number, number, number]; ch: number; ft: number; lt: number; lc?: number; pc?: number;
  rt?: number[]; lw?: Record<string, number>; p?: Pii4; w: [number, string];
}
interface WireState {
  m: WireMessage[]; sd: Sender[]; ct?: number; f?: WireFolded; x?: Array<[string, number]>;
  le: number; ps?: number; v: number; h?: string; z?: 1;
}

// Absent stays absent: an optional field is written only when set.
function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

// Messages are most of a state (and every one of them is mapped on a restore): named stores, not put().
function encodeMessage(m: StoredMessage): WireMessage {
  const w: WireMessage = { i: m.id, s: m.sender, b: m.body, l: m.language, t: m.createdAt };
  if (m.languageReliable !== undefined) w.lr = m.languageReliable;
  if (m.updatedAt !== undefined) w.u = m.updatedAt;
  if (m.pii !== undefined) w.p = m.pii;
  return w;
}

function decodeMessage(w: WireMessage): StoredMessage {
  const m: StoredMessage = { id: w.i, sender: w.s, body: w.b, language: w.l, createdAt: w.t };
  if (w.lr !== undefined) m.languageReliable = w.lr;
  if (w.u !== undefined) m.updatedAt = w.u;
  if (w.p !== undefined) m.pii = w.p;
  return m;
}

function encodeFolded(f: Folded): WireFolded {
  const w: WireFolded = { n: f.roleCounts, ch: f.chars, ft: f.firstAt, lt: f.lastAt, w: f.watermark };
  put(w, 'lc', f.lastCustomerAt); put(w, 'pc', f.unansweredSince); put(w, 'rt', f.responseTimes); put(w, 'lw', f.languageWeights); put(w, 'p', f.pii);
  return w;
}

function decodeFolded(w: WireFolded): Folded {
  const f: Folded = { roleCounts: w.n, chars: w.ch, firstAt: w.ft, lastAt: w.lt, watermark: w.w };
  put(f, 'lastCustomerAt', w.lc); put(f, 'unansweredSince', w.pc); put(f, 'responseTimes', w.rt); put(f, 'languageWeights', w.lw); put(f, 'pii', w.p);
  return f;
}

export function encodeWindowState(st: WindowState): WireState {
  const w: WireState = { m: st.messages.map(encodeMessage), sd: st.senders, le: st.latestEventTime, v: st.version };
  put(w, 'ct', st.contact); if (st.folded) w.f = encodeFolded(st.folded); put(w, 'x', st.deletes);
  put(w, 'ps', st.pendingSince); put(w, 'h', st.hash); put(w, 'z', st.retired);
  return w;
}

export function decodeWindowState(json: unknown): WindowState {
  const w = json as WireState;
  const st: WindowState = { messages: w.m.map(decodeMessage), senders: w.sd, latestEventTime: w.le, version: w.v };
  put(st, 'contact', w.ct); if (w.f) st.folded = decodeFolded(w.f); put(st, 'deletes', w.x);
  put(st, 'pendingSince', w.ps); put(st, 'hash', w.h); put(st, 'retired', w.z);
  return st;
}

export const windowStateCodec: StoreCodec<WindowState> = { encode: encodeWindowState, decode: decodeWindowState };
