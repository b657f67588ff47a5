// The window stage: per-conversation session state over leadwire.messages.v1,
// emitting versioned ConversationSnapshots on leadwire.conversations.v1.
//
// Semantics worth knowing (the tests pin each one):
// - Sessions are cut in event time (record timestamp = createdAt): gap and max
//   delay are checked both by the conversation's event timer (fired when
//   partition stream time passes it) and before applying the conversation's
//   own next record, so a replay at any speed or partitioning cuts the same
//   sessions. A wall timer closes a session only when the whole partition has
//   been quiet for a gap (live traffic that stopped); the content it emits is
//   the content the event-time gap would have emitted, so it is never
//   emitted twice (same hash).
// - Nothing goes out when the content hash equals the last emitted one.
// - Late messages older than what the budget already folded, and edits or
//   deletes of folded messages, are ignored: the folded part is counters only.
// - TTL expiry drops the content silently and leaves a small marker with the
//   version for RETIRED_TTL_FACTOR more TTLs, so a conversation that comes
//   back continues its versions instead of reusing ones downstream has seen.
import type { WindowConfig } from '../../config/schema.js';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord, Timer } from '../../stream/processor-api.js';
import type { NormalizedMessage } from '../../records/normalized-message.js';
import { renderSnapshot } from './render.js';
import {
  cancelAll, clearPending, dueReason, ensureTimer, eventDeadline, markPending, restoreTimers, timerId, timerPurpose, wallDue, type SessionConfig,
} from './session.js';
import type { ConversationSnapshot, EmitReason } from '../../records/conversation-snapshot.js';
import { CONVERSATION_STORE, emptyState, isEmpty, retire, revive, type WindowState } from './state.js';
import { applyMessage, type ApplyOutcome, type Budget } from './transcript.js';

const IGNORED = new Set<ApplyOutcome>(['unchanged', 'stale', 'tombstoned', 'folded_away', 'unknown_delete', 'no_body']);

export { CONVERSATION_STORE } from './state.js';

export interface WindowPorts {
  /** Strong buying signal ids found in a customer message (the rules catalog provides it). */
  detectHot: (message: NormalizedMessage) => string[];
}

function isMessage(v: unknown): v is NormalizedMessage {
  const m = v as NormalizedMessage | null;
  return !!m && typeof m === 'object' && typeof m.id === 'string' && typeof m.conversationId === 'string'
    && (m.op === 'upsert' || m.op === 'delete') && Number.isFinite(m.createdAt) && !!m.sender && !!m.language;
}

export function createWindowProcessor(cfg: WindowConfig, ports: WindowPorts): Processor<NormalizedMessage, ConversationSnapshot> {
  const session: SessionConfig = { gapMs: cfg.gapMs, maxDelayMs: cfg.maxDelayMs, ttlMs: cfg.ttlMs, wallClockClose: cfg.wallClockClose };
  const budget: Budget = { maxMessages: cfg.maxMessages, maxChars: cfg.maxChars };
  const hot = new Set(cfg.hotTriggers);
  let ctx!: ProcessorContext<ConversationSnapshot>;
  let store!: KeyValueStore<WindowState>;
  // Wall time of the last record on this partition: a wall timer only closes
  // sessions once the whole partition has been quiet for a gap.
  let lastRecordWall = 0;

  /** Emits the current content unless it equals what was last emitted; always closes the session. */
  function emit(cid: string, st: WindowState, reason: EmitReason, triggers: string[]): WindowState {
    const closed = clearPending(st, cid, ctx.timers, session);
    // A conversation that never went out and has nothing left: downstream has nothing to drop.
    if (closed.version === 0 && isEmpty(closed)) return closed;
    const snap = renderSnapshot(cid, closed, reason, triggers, ctx.clock.now(), closed.version + 1);
    if (snap.contentHash === closed.hash) return closed;
    ctx.forward({ key: cid, value: snap, timestamp: closed.latestEventTime });
    return { ...closed, version: snap.version, hash: snap.contentHash };
  }

  return {
    init(c) {
      ctx = c;
      store = c.getStore<WindowState>(CONVERSATION_STORE);
      lastRecordWall = c.clock.now();
      // The stage's timers are derived (`timers: 'derived'` in the topology): a
      // restored partition gets them back from the conversations themselves.
      for (const [cid, st] of store.entries()) restoreTimers(st, cid, c.timers, session, lastRecordWall);
    },

    process(record: StreamRecord<NormalizedMessage>) {
      lastRecordWall = ctx.clock.now();
      const msg = record.value;
      if (msg === null) return; // tombstones carry nothing for a window
      if (!isMessage(msg)) {
        ctx.deadLetter({ reason: 'invalid_message', message: 'not a leadwire.messages.v1 record (id, conversationId, op, createdAt, sender, language)' });
        return;
      }
      const cid = record.key ?? msg.conversationId;
      const t = record.timestamp;
      const before = store.get(cid) ?? emptyState(t);
      let st = before.retired ? revive(before, t) : before;

      // The record is past the session's deadline: close it first, so the boundary does not depend
      // on whether another key's record moved stream time (and fired the timer) before this one.
      const boundary = dueReason(st, t, session);
      if (boundary) st = emit(cid, st, boundary, []);

      const res = applyMessage(st, msg, t, budget);
      if (res.dirty) st = res.state;
      if (IGNORED.has(res.outcome)) ctx.metrics().filtered(res.outcome);
      if (res.changed) {
        st = markPending(st, t, cid, ctx.timers, session, ctx.clock.now());
        if (res.outcome === 'deleted' && st.messages.length === 0) {
          st = emit(cid, st, 'delete', []);
        } else if (hot.size && msg.op === 'upsert' && msg.sender.role === 'customer' && msg.body) {
          // (Signal detection runs the whole catalog: skip it when no trigger is configured.)
          const triggers = ports.detectHot(msg).filter((id) => hot.has(id));
          if (triggers.length) st = emit(cid, st, 'hot_trigger', triggers);
        }
      }
      // Every step returns a new object when it changes something: one put per record at most.
      if (st !== before) {
        ensureTimer(st, cid, ctx.timers, session);
        store.put(cid, st);
      }
    },

    onTimer(timer: Timer) {
      const cid = timer.key;
      const st = store.get(cid);
      const purpose = timerPurpose(timer);
      if (!st || !purpose) return;
      if (purpose === 'wall') {
        if (st.pendingSince === undefined) return;
        const due = wallDue(ctx.clock.now(), lastRecordWall, session);
        if (!due.close) { ctx.timers.schedule({ id: timerId('wall', cid), key: cid, kind: 'wall', at: due.at }); return; }
        store.put(cid, emit(cid, st, 'wall_clock', []));
        return;
      }
      const now = Math.max(ctx.streamTime(), timer.at);
      const reason = dueReason(st, now, session);
      if (reason) { store.put(cid, emit(cid, st, reason, [])); return; }
      if (st.pendingSince === undefined && now >= eventDeadline(st, session)) {
        // Idle for a TTL: drop the content silently (downstream already has the last snapshot),
        // keep the version for a while unless nothing ever went out, then drop that too.
        cancelAll(cid, ctx.timers);
        if (st.retired || st.version === 0) { store.delete(cid); return; }
        const marker = retire(st);
        store.put(cid, marker);
        ctx.timers.schedule({ id: timerId('window', cid), key: cid, kind: 'event', at: eventDeadline(marker, session) });
        return;
      }
      ctx.timers.schedule({ id: timerId('window', cid), key: cid, kind: 'event', at: eventDeadline(st, session) });
    },

    close() {},
  };
}
