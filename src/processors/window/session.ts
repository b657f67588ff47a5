// When a conversation's pending changes go out. Gap and max delay run on the
// event-time axis (record timestamps = createdAt) so that a replay at any speed
// closes the same sessions as live traffic; the wall-clock timer only closes a
// session when the partition has gone quiet and stream time cannot advance.
import type { Timer, Timers } from '../../stream/processor-api.js';
import { RETIRED_TTL_FACTOR, type WindowState } from './state.js';

export interface SessionConfig {
  gapMs: number;
  maxDelayMs: number;
  ttlMs: number;
  wallClockClose: boolean;
}

export type TimerPurpose = 'window' | 'wall';

/**
 * Timer ids: one event-time timer and, while changes are pending, one wall
 * timer per conversation; rescheduling an id replaces its deadline. The event
 * timer carries whichever deadline comes first: the session close
 * (min(gap, max delay)) while changes are pending, the TTL otherwise. One
 * timer instead of gap + max + ttl keeps 100k open conversations small
 * (each timer lives in a heap, a map and the timer store) and cuts timer
 * changelog writes per message.
 */
export function timerId(purpose: TimerPurpose, conversationId: string): string {
  return `${purpose}:${conversationId}`;
}

export function timerPurpose(timer: Timer): TimerPurpose | undefined {
  const p = timer.id.slice(0, timer.id.indexOf(':'));
  return p === 'window' || p === 'wall' ? p : undefined;
}

/** Why pending changes are due at event time `t`, if they are. Gap wins when both are due. */
export function dueReason(st: WindowState, t: number, cfg: SessionConfig): 'gap' | 'max_delay' | null {
  if (st.pendingSince === undefined) return null;
  if (t >= st.latestEventTime + cfg.gapMs) return 'gap';
  if (t >= st.pendingSince + cfg.maxDelayMs) return 'max_delay';
  return null;
}

/** The event-time deadline of the conversation's timer: session close while pending, else TTL. */
export function eventDeadline(st: WindowState, cfg: SessionConfig): number {
  if (st.retired) return st.latestEventTime + cfg.ttlMs * RETIRED_TTL_FACTOR;
  return st.pendingSince === undefined ? st.latestEventTime + cfg.ttlMs : Math.min(st.latestEventTime + cfg.gapMs, st.pendingSince + cfg.maxDelayMs);
}

function scheduleEvent(st: WindowState, cid: string, timers: Timers, cfg: SessionConfig): void {
  timers.schedule({ id: timerId('window', cid), key: cid, kind: 'event', at: eventDeadline(st, cfg) });
}

/**
 * Records a content change at event time `t`. Timers are only written when a
 * session opens: later changes push the gap deadline out, and a timer that
 * fires before the real deadline just moves itself (see the processor's
 * onTimer). The wall timer checks partition idleness, which already implies
 * this conversation is idle, so it need not move with each message either.
 * That saves two timer changelog writes per message.
 */
export function markPending(st: WindowState, t: number, cid: string, timers: Timers, cfg: SessionConfig, wallNow: number): WindowState {
  const next: WindowState = { ...st, latestEventTime: Math.max(st.latestEventTime, t) };
  const opening = next.pendingSince === undefined;
  if (opening) next.pendingSince = next.latestEventTime;
  if (opening || !timers.get(timerId('window', cid), 'event')) scheduleEvent(next, cid, timers, cfg);
  if (cfg.wallClockClose && !timers.get(timerId('wall', cid), 'wall')) {
    timers.schedule({ id: timerId('wall', cid), key: cid, kind: 'wall', at: wallNow + cfg.gapMs });
  }
  return next;
}

/** Closes the session: nothing pending, the event timer turns into the TTL timer, no wall timer. */
export function clearPending(st: WindowState, cid: string, timers: Timers, cfg: SessionConfig): WindowState {
  timers.cancel(timerId('wall', cid), 'wall');
  const next = { ...st };
  delete next.pendingSince;
  scheduleEvent(next, cid, timers, cfg);
  return next;
}

/** A stored conversation always has its event timer (a new state without pending content gets its TTL). */
export function ensureTimer(st: WindowState, cid: string, timers: Timers, cfg: SessionConfig): void {
  if (!timers.get(timerId('window', cid), 'event')) scheduleEvent(st, cid, timers, cfg);
}

/**
 * After a restart: the timers a stored conversation needs, from its state
 * alone (the stage derives its timers instead of persisting them). The event
 * timer goes straight to the real deadline, where a live one may sit earlier
 * and move itself when it fires: the same sessions close at the same points.
 */
export function restoreTimers(st: WindowState, cid: string, timers: Timers, cfg: SessionConfig, wallNow: number): void {
  scheduleEvent(st, cid, timers, cfg);
  if (cfg.wallClockClose && st.pendingSince !== undefined) timers.schedule({ id: timerId('wall', cid), key: cid, kind: 'wall', at: wallNow + cfg.gapMs });
}

/** Drops the conversation's timers (TTL expiry). */
export function cancelAll(cid: string, timers: Timers): void {
  timers.cancel(timerId('window', cid), 'event');
  timers.cancel(timerId('wall', cid), 'wall');
}

/**
 * On a wall timer: close only if no record at all reached this partition for
 * a gap. While records flow, stream time moves and the event-time gap decides,
 * which keeps live and replayed sessions identical.
 */
export function wallDue(now: number, lastRecordWall: number, cfg: SessionConfig): { close: true } | { close: false; at: number } {
  return now - lastRecordWall >= cfg.gapMs ? { close: true } : { close: false, at: lastRecordWall + cfg.gapMs };
}
