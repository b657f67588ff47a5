// When a conversation's pending changes go out. Gap and max delay run on the
// event-time axis (record timestamps = createdAt) so that a replay at any speed
// closes the same sessions as live traffic; the wall-clock timer only closes a
// session when the partition has gone quiet and stream time cannot advance.
import type { Timer, Timers } from '../../topology/processor-api.js';
import type { WindowState } from './state.js';

export interface SessionConfig {
  gapMs: number;
  maxDelayMs: number;
  ttlMs: number;
  wallClockClose: boolean;
}

export type TimerPurpose = 'gap' | 'max' | 'ttl' | 'wall';

/** One timer id per conversation and purpose, so rescheduling replaces the deadline. */
export function timerId(purpose: TimerPurpose, conversationId: string): string {
  return `${purpose}:${conversationId}`;
}

export function timerPurpose(timer: Timer): TimerPurpose | undefined {
  const p = timer.id.slice(0, timer.id.indexOf(':'));
  return p === 'gap' || p === 'max' || p === 'ttl' || p === 'wall' ? p : undefined;
}

/**
 * The session a record at event time `t` falls outside of. Checked before the
 * record is applied so the boundary does not depend on whether some other
 * key's record advanced stream time first.
 */
export function closedBy(st: WindowState, t: number, cfg: SessionConfig): 'gap' | 'max_delay' | null {
  if (st.ps === undefined) return null;
  if (t >= st.le + cfg.gapMs) return 'gap';
  if (t >= st.ps + cfg.maxDelayMs) return 'max_delay';
  return null;
}

/** Records a content change at event time `t` and (re)schedules the session timers. */
export function markPending(st: WindowState, t: number, cid: string, timers: Timers, cfg: SessionConfig, wallNow: number): WindowState {
  const le = Math.max(st.le, t);
  const next: WindowState = { ...st, le };
  timers.schedule({ id: timerId('gap', cid), key: cid, kind: 'event', at: le + cfg.gapMs });
  if (next.ps === undefined) {
    next.ps = le;
    timers.schedule({ id: timerId('max', cid), key: cid, kind: 'event', at: le + cfg.maxDelayMs });
  }
  if (cfg.wallClockClose) timers.schedule({ id: timerId('wall', cid), key: cid, kind: 'wall', at: wallNow + cfg.gapMs });
  return next;
}

/** Closes the session: nothing pending, no session timers left. */
export function clearPending(st: WindowState, cid: string, timers: Timers): WindowState {
  timers.cancel(timerId('gap', cid), 'event');
  timers.cancel(timerId('max', cid), 'event');
  timers.cancel(timerId('wall', cid), 'wall');
  if (st.ps === undefined) return st;
  const next = { ...st };
  delete next.ps;
  return next;
}

/**
 * Every stored conversation has a TTL timer. It is not moved on each record
 * (that would be a timer write per message); when it fires early it is
 * pushed to the latest activity + TTL instead.
 */
export function ensureTtl(st: WindowState, cid: string, timers: Timers, cfg: SessionConfig): void {
  if (!timers.get(timerId('ttl', cid), 'event')) timers.schedule({ id: timerId('ttl', cid), key: cid, kind: 'event', at: st.le + cfg.ttlMs });
}

/** On a TTL timer: expire, or the deadline to try again. */
export function ttlDue(st: WindowState, timer: Timer, cfg: SessionConfig): { expire: true } | { expire: false; at: number } {
  const deadline = st.le + cfg.ttlMs;
  return deadline > timer.at ? { expire: false, at: deadline } : { expire: true };
}

/**
 * On a wall timer: close only if no record at all reached this partition for
 * a gap. While records flow, stream time moves and the event-time gap decides,
 * which keeps live and replayed sessions identical.
 */
export function wallDue(now: number, lastRecordWall: number, cfg: SessionConfig): { close: true } | { close: false; at: number } {
  return now - lastRecordWall >= cfg.gapMs ? { close: true } : { close: false, at: lastRecordWall + cfg.gapMs };
}
