import { describe, expect, it } from 'vitest';
import { CONVERSATION_STORE } from '../../../src/processors/window/window-processor.js';
import { RETIRED_TTL_FACTOR, type WindowState } from '../../../src/processors/window/state.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import { agent, del, edit, msg, MIN, pipe, SEC, simpleHot, snaps, T0, tick, windowDriver } from './fixtures.js';
import { windowStateCodec } from '../../../src/processors/window/state-codec.js';

const bodies = (s: { transcript: Array<{ body: string }> }) => s.transcript.map((e) => e.body);

describe('window: emission triggers', () => {
  it('emits when the conversation has been quiet for the gap, in event time', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, msg({ at: T0 + 30 * SEC, body: 'tienen catálogo?' }));
    await tick(d, T0 + 30 * SEC + 89 * SEC);
    expect(snaps(d)).toHaveLength(0);
    await tick(d, T0 + 30 * SEC + 90 * SEC);
    const out = snaps(d);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ reason: 'gap', version: 1, conversationId: '42', triggers: [] });
    expect(bodies(out[0]!)).toEqual(['hola', 'tienen catálogo?']);
    // Event time only: the wall clock never moved.
    expect(d.clock.now()).toBe(T0);
    expect(out[0]!.emittedAt).toBe(T0);
  });

  it('closes the previous session when the conversation\'s own next message comes after the gap', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, msg({ at: T0 + 5 * MIN, body: 'sigue disponible?' }));
    expect(snaps(d).map((s) => [s.reason, s.version, bodies(s)])).toEqual([['gap', 1, ['hola']]]);
    await tick(d, T0 + 7 * MIN);
    expect(snaps(d).map((s) => [s.reason, s.version, bodies(s)])).toEqual([
      ['gap', 1, ['hola']],
      ['gap', 2, ['hola', 'sigue disponible?']],
    ]);
  });

  it('emits after maxDelay when traffic never pauses for a gap', async () => {
    const d = await windowDriver();
    for (let i = 0; i < 15; i++) await pipe(d, msg({ at: T0 + i * MIN, body: `mensaje ${i}` }));
    let out = snaps(d);
    expect(out).toHaveLength(1);
    expect(out[0]!.reason).toBe('max_delay');
    // The record at exactly T0 + 10 min is past the deadline: it opens the next window.
    expect(out[0]!.transcript).toHaveLength(10);
    await tick(d, T0 + 14 * MIN + 90 * SEC);
    out = snaps(d);
    expect(out.map((s) => [s.reason, s.version, s.transcript.length])).toEqual([['max_delay', 1, 10], ['gap', 2, 15]]);
  });

  it('emits at once on a hot trigger from the customer, and only for configured triggers', async () => {
    const d = await windowDriver({}, { detectHot: simpleHot });
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, agent({ at: T0 + 10 * SEC, body: 'le envío una cotización' }));
    expect(snaps(d)).toHaveLength(0);
    // A price question is interest, not a strong intent: not a default trigger.
    await pipe(d, msg({ at: T0 + 15 * SEC, body: 'El precio' }));
    expect(snaps(d)).toHaveLength(0);
    await pipe(d, msg({ at: T0 + 20 * SEC, body: 'Quiero la cotización' }));
    let out = snaps(d);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ reason: 'hot_trigger', triggers: ['asks_quote'], version: 1 });
    expect(out[0]!.transcript).toHaveLength(4);
    // The gap later finds nothing new.
    await tick(d, T0 + 10 * MIN);
    out = snaps(d);
    expect(out).toHaveLength(1);

    const q = await windowDriver({ hotTriggers: ['asks_quote'] }, { detectHot: simpleHot });
    await pipe(q, msg({ at: T0, body: 'El precio' }));
    expect(snaps(q)).toHaveLength(0);
    await pipe(q, msg({ at: T0 + 5 * SEC, body: 'quiero una cotización' }));
    expect(snaps(q).map((s) => [s.reason, s.triggers])).toEqual([['hot_trigger', ['asks_quote']]]);
  });

  it('closes a quiet session on the wall clock when the partition has no traffic, without double-emitting later', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await d.advanceWallClock(89 * SEC);
    expect(snaps(d)).toHaveLength(0);
    await d.advanceWallClock(1 * SEC);
    let out = snaps(d);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ reason: 'wall_clock', version: 1, emittedAt: T0 + 90 * SEC });
    // Stream time catches up later: the event-time gap finds the same content and stays silent.
    await tick(d, T0 + 10 * MIN);
    await d.advanceWallClock(10 * MIN);
    out = snaps(d);
    expect(out).toHaveLength(1);
  });

  it('leaves sessions to event time while the partition is busy, and never closes on the wall clock when disabled', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola' }));
    // Other conversations keep the partition busy every 30 s (wall and event time).
    for (let i = 1; i <= 2; i++) { await d.advanceWallClock(30 * SEC); await tick(d, T0 + i * 30 * SEC); }
    await d.advanceWallClock(30 * SEC);
    expect(snaps(d)).toHaveLength(0); // wall timer fired at +90 s but the partition was not quiet
    await tick(d, T0 + 90 * SEC);
    expect(snaps(d).map((s) => s.reason)).toEqual(['gap']);
    await d.advanceWallClock(10 * MIN);
    expect(snaps(d)).toHaveLength(1);

    const off = await windowDriver({ wallClockClose: false });
    await pipe(off, msg({ at: T0, body: 'hola' }));
    await off.advanceWallClock(60 * MIN);
    expect(snaps(off)).toHaveLength(0);
    await tick(off, T0 + 2 * MIN);
    expect(snaps(off).map((s) => s.reason)).toEqual(['gap']);
  });
});

describe('window: content and versions', () => {
  it('emits nothing when nothing changed: redelivery, and an edit back to the same text', async () => {
    const d = await windowDriver();
    const m1 = msg({ at: T0, body: 'hola' });
    await pipe(d, m1);
    await tick(d, T0 + 2 * MIN);
    expect(snaps(d)).toHaveLength(1);
    const puts = d.changelog.filter((c) => c.store === CONVERSATION_STORE).length;
    await pipe(d, m1); // redelivered
    expect(d.changelog.filter((c) => c.store === CONVERSATION_STORE).length).toBe(puts);
    await pipe(d, edit(m1, 'hola!!', T0 + 3 * MIN));
    await pipe(d, edit(m1, 'hola', T0 + 4 * MIN));
    await tick(d, T0 + 60 * MIN);
    await d.advanceWallClock(60 * MIN);
    expect(snaps(d)).toHaveLength(1);
  });

  it('numbers snapshots 1, 2, 3 with distinct content hashes', async () => {
    const d = await windowDriver();
    for (let i = 0; i < 3; i++) {
      await pipe(d, msg({ at: T0 + i * 10 * MIN, body: `pregunta ${i}` }));
      await tick(d, T0 + i * 10 * MIN + 2 * MIN);
    }
    const out = snaps(d);
    expect(out.map((s) => s.version)).toEqual([1, 2, 3]);
    expect(new Set(out.map((s) => s.contentHash)).size).toBe(3);
    expect(out.every((s) => /^[0-9a-f]{64}$/.test(s.contentHash))).toBe(true);
  });

  it('sorts out-of-order arrivals by createdAt, then id as a bigint', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ id: '30', at: T0 + 20 * SEC, body: 'c' }));
    await pipe(d, msg({ id: '10', at: T0 + 10 * SEC, body: 'b' }));
    await pipe(d, msg({ id: '9', at: T0 + 10 * SEC, body: 'a' })); // 9 < 10 as numbers, not as strings
    await pipe(d, msg({ id: '9007199254740993', at: T0, body: 'primero' }));
    await tick(d, T0 + 5 * MIN);
    const s = snaps(d)[0]!;
    expect(s.transcript.map((e) => e.id)).toEqual(['9007199254740993', '9', '10', '30']);
    expect(s.firstMessageAt).toBe(T0);
    expect(s.lastMessageAt).toBe(T0 + 20 * SEC);
  });

  it('replaces edited messages, ignores stale updates, and keeps the body on bodyUnchanged', async () => {
    const d = await windowDriver();
    const m1 = msg({ at: T0, body: 'quiero 50' });
    await pipe(d, m1);
    await pipe(d, edit(m1, 'quiero 500 unidades', T0 + 20 * SEC));
    await pipe(d, edit(m1, 'quiero 5', T0 + 10 * SEC)); // older than the stored update: stale
    await tick(d, T0 + 5 * MIN);
    expect(snaps(d).map(bodies)).toEqual([['quiero 500 unidades']]);
    // Unchanged TOAST column: the update carries no body, the previous one stays, nothing to emit.
    await pipe(d, edit(m1, null, T0 + 6 * MIN, { bodyUnchanged: true, language: { code: 'und', confidence: 0, reliable: false } }));
    await tick(d, T0 + 20 * MIN);
    expect(snaps(d)).toHaveLength(1);
    const st = d.task.ctx.getStore<WindowState>(CONVERSATION_STORE).get('42')!;
    expect(st.messages[0]).toMatchObject({ body: 'quiero 500 unidades', language: 'es', updatedAt: T0 + 6 * MIN });
  });

  it('removes soft- and hard-deleted messages, does not resurrect them, and emits an empty transcript when the last one goes', async () => {
    const d = await windowDriver();
    const [a, b, c] = [msg({ at: T0, body: 'uno' }), msg({ at: T0 + SEC, body: 'dos' }), msg({ at: T0 + 2 * SEC, body: 'tres' })];
    for (const m of [a, b, c]) await pipe(d, m);
    await tick(d, T0 + 5 * MIN);
    await pipe(d, del(b, T0 + 6 * MIN)); // soft delete: deleted_at set
    await tick(d, T0 + 10 * MIN);
    await pipe(d, del(c, T0 + 11 * MIN, true)); // hard delete
    await tick(d, T0 + 15 * MIN);
    await pipe(d, b); // the original insert again (snapshot re-read, redelivery)
    await pipe(d, c);
    await tick(d, T0 + 20 * MIN);
    let out = snaps(d);
    expect(out.map((s) => [s.version, bodies(s), s.counters.total])).toEqual([[1, ['uno', 'dos', 'tres'], 3], [2, ['uno', 'tres'], 2], [3, ['uno'], 1]]);
    // Restoring a soft-deleted row (a later update) brings it back.
    await pipe(d, edit(b, 'dos', T0 + 21 * MIN, { deletedAt: null }));
    await tick(d, T0 + 25 * MIN);
    await pipe(d, del(a, T0 + 26 * MIN, true));
    await pipe(d, del(b, T0 + 26 * MIN, true));
    out = snaps(d);
    expect(out.slice(3).map((s) => [s.version, s.reason, bodies(s)])).toEqual([[4, 'gap', ['uno', 'dos']], [5, 'delete', []]]);
    expect(out[4]!.counters.total).toBe(0);
  });

  it('does not emit for a conversation that never went out and lost its only message', async () => {
    const d = await windowDriver();
    const a = msg({ at: T0, body: 'hola' });
    await pipe(d, a);
    await pipe(d, del(a, T0 + SEC, true));
    await tick(d, T0 + 10 * MIN);
    expect(snaps(d)).toHaveLength(0);
  });

  it('collapses consecutive repeats of the same customer text (case, accents, spaces)', async () => {
    const d = await windowDriver();
    const texts = ['El precio', 'el precio', 'El  Précio', 'EL PRECIO ', 'El precio', 'El precio'];
    const sent = texts.map((body, i) => msg({ at: T0 + i * 8 * SEC, body }));
    for (const m of sent) await pipe(d, m);
    await pipe(d, agent({ at: T0 + 60 * SEC, body: 'Hola, son 20.000' }));
    await pipe(d, msg({ at: T0 + 70 * SEC, body: 'El precio' })); // after the agent: a new entry
    await tick(d, T0 + 5 * MIN);
    const s = snaps(d)[0]!;
    expect(s.transcript.map((e) => [e.body, e.repeat])).toEqual([['El precio', 6], ['Hola, son 20.000', 1], ['El precio', 1]]);
    expect(s.transcript[0]!.repeatIds).toEqual(sent.slice(1).map((m) => m.id));
    expect(s.counters).toEqual({ customer: 7, agent: 1, bot: 0, unknown: 0, total: 8 });
    // Deleting one repeat shrinks the count.
    await pipe(d, del(sent[2]!, T0 + 6 * MIN, true));
    await tick(d, T0 + 10 * MIN);
    expect(snaps(d)[1]!.transcript[0]!.repeat).toBe(5);
  });

  it('folds the oldest messages into counters beyond the message budget and the char budget', async () => {
    const d = await windowDriver({ maxMessages: 5 });
    for (let i = 0; i < 8; i++) await pipe(d, (i % 2 ? agent : msg)({ at: T0 + i * 10 * SEC, body: `mensaje número ${i}` }));
    await tick(d, T0 + 5 * MIN);
    const s = snaps(d)[0]!;
    expect(bodies(s)).toEqual([3, 4, 5, 6, 7].map((i) => `mensaje número ${i}`));
    expect(s.folded).toEqual({ messages: 3, customer: 2, agent: 1, chars: 3 * 'mensaje número 0'.length });
    expect(s.counters.total).toBe(8);
    expect(s.firstMessageAt).toBe(T0);
    // A late message older than what was folded cannot re-enter the window.
    await pipe(d, msg({ at: T0 + 5 * SEC, body: 'tarde' }));
    await tick(d, T0 + 10 * MIN);
    expect(snaps(d)).toHaveLength(1);

    const c = await windowDriver({ maxChars: 200 });
    const long = (i: number) => `${i} ${'x'.repeat(58)}`; // 60 chars
    for (let i = 0; i < 6; i++) await pipe(c, msg({ at: T0 + i * 10 * SEC, body: long(i) }));
    await tick(c, T0 + 5 * MIN);
    const sc = snaps(c)[0]!;
    expect(bodies(sc)).toEqual([3, 4, 5].map(long));
    expect(sc.folded).toMatchObject({ messages: 3, chars: 180 });
  });

  it('keeps one message even when it alone exceeds the char budget', async () => {
    const d = await windowDriver({ maxChars: 200 });
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, msg({ at: T0 + SEC, body: 'y'.repeat(500) }));
    await tick(d, T0 + 5 * MIN);
    expect(snaps(d)[0]!.transcript.map((e) => e.body.length)).toEqual([500]);
  });

  it('measures agent response times, last customer time, contact and PII totals', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, msg({ at: T0 + 10 * SEC, body: 'mi número es [phone]', pii: { emails: 0, phones: 1, cards: 0, ids: 0 } }));
    await pipe(d, agent({ at: T0 + 70 * SEC, body: 'buenas' }));
    await pipe(d, agent({ at: T0 + 80 * SEC, body: 'en qué le ayudo' }));
    await pipe(d, msg({ at: T0 + 100 * SEC, body: 'precio' }));
    await pipe(d, agent({ at: T0 + 160 * SEC, body: '20.000' }));
    await tick(d, T0 + 10 * MIN);
    const s = snaps(d)[0]!;
    expect(s.responseTimesMs).toEqual([70 * SEC, 60 * SEC]);
    expect(s.lastCustomerMessageAt).toBe(T0 + 100 * SEC);
    expect(s.contact).toEqual({ type: 'App\\Models\\Customer', id: '7' });
    expect(s.pii).toEqual({ emails: 0, phones: 1, cards: 0, ids: 0 });
    expect(s.transcript[1]!.pii.phones).toBe(1);
  });

  it('decides the conversation language from reliable messages weighted by length', async () => {
    const lang = (code: string, reliable: boolean) => ({ code, confidence: reliable ? 0.9 : 0.3, reliable });
    const d = await windowDriver();
    await pipe(d, msg({ at: T0, body: 'hola buenas tardes a todos', language: lang('es', true) })); // 26
    await pipe(d, msg({ at: T0 + SEC, body: 'ok', language: lang('en', false) }));
    await pipe(d, msg({ at: T0 + 2 * SEC, body: 'I would like a price list for wholesale orders of 500 units', language: lang('en', true) })); // 59
    await tick(d, T0 + 5 * MIN);
    expect(snaps(d)[0]!.language).toEqual({ code: 'en', confidence: Math.round((59 / 85) * 1000) / 1000 });

    const u = await windowDriver();
    await pipe(u, msg({ at: T0, body: 'ok', language: lang('es', false) }));
    await tick(u, T0 + 5 * MIN);
    expect(snaps(u)[0]!.language).toEqual({ code: 'und', confidence: 0 });
  });

  it('expires idle state after the TTL without emitting, keeping only the version for a while', async () => {
    const ttlMs = 60 * MIN;
    const d = await windowDriver({ ttlMs });
    const store = d.task.ctx.getStore<WindowState>(CONVERSATION_STORE);
    await pipe(d, msg({ at: T0, body: 'hola' }));
    await pipe(d, msg({ at: T0 + 50 * MIN, body: 'sigue ahí?' }));
    await tick(d, T0 + 61 * MIN, 'a');
    expect(store.get('42')!.messages).toHaveLength(2); // activity at +50 min pushed the deadline
    expect(snaps(d).map((s) => s.version)).toEqual([1, 2]);
    await tick(d, T0 + 50 * MIN + ttlMs, 'b');
    const marker = store.get('42')!;
    expect(marker).toMatchObject({ messages: [], senders: [], version: 2, retired: 1 });
    expect(JSON.stringify(windowStateCodec.encode(marker)).length).toBeLessThan(120);
    expect(snaps(d).map((s) => s.version)).toEqual([1, 2]);
    // The conversation comes back: fresh content, versions continue (downstream dedupes by version).
    await pipe(d, msg({ at: T0 + 3 * ttlMs, body: 'vuelvo a escribir' }));
    await tick(d, T0 + 3 * ttlMs + 2 * MIN, 'c');
    expect(snaps(d).map((s) => [s.version, bodies(s), s.counters.total])).toEqual([
      [1, ['hola'], 1], [2, ['hola', 'sigue ahí?'], 2], [3, ['vuelvo a escribir'], 1],
    ]);
    // Idle again: content expires after a TTL, the marker after RETIRED_TTL_FACTOR more.
    await tick(d, T0 + 3 * ttlMs + 2 * MIN + ttlMs, 'e');
    expect(store.get('42')?.retired).toBe(1);
    await tick(d, T0 + 3 * ttlMs + ttlMs + RETIRED_TTL_FACTOR * ttlMs, 'f');
    expect(store.has('42')).toBe(false);
    expect(d.task.ctx.timers.get('window:42', 'event')).toBeUndefined();
    expect(snaps(d)).toHaveLength(3);
  });

  it('drops a conversation that never emitted without leaving a marker', async () => {
    const d = await windowDriver({ ttlMs: 60 * MIN, wallClockClose: false });
    const a = msg({ at: T0, body: 'hola' });
    await pipe(d, a);
    await pipe(d, del(a, T0 + SEC, true));
    await tick(d, T0 + 2 * 60 * MIN);
    expect(d.task.ctx.getStore<WindowState>(CONVERSATION_STORE).has('42')).toBe(false);
    expect(snaps(d)).toHaveLength(0);
  });

  it('sends records that are not messages to the DLQ and ignores tombstones', async () => {
    const d = await windowDriver();
    await d.pipe({ key: '42', value: { hello: 'world' }, timestamp: T0 });
    await d.pipe({ key: '42', value: null, timestamp: T0 });
    expect(d.deadLetters.map((l) => l.reason)).toEqual(['invalid_message']);
    expect(d.outputs).toHaveLength(0);
  });
});

describe('window: restart', () => {
  it('continues version and content from the restored changelog', async () => {
    const run = async (restartAfter: number | null) => {
      let d = await windowDriver();
      const steps = [
        () => pipe(d, msg({ id: '1', at: T0, body: 'hola' })),
        () => pipe(d, msg({ id: '2', at: T0 + 10 * SEC, body: 'precio?' })),
        () => tick(d, T0 + 3 * MIN),
        () => pipe(d, msg({ id: '3', at: T0 + 4 * MIN, body: '500 unidades' })),
        () => tick(d, T0 + 4 * MIN + 30 * SEC),
        () => tick(d, T0 + 6 * MIN),
      ];
      const out: ConversationSnapshot[] = [];
      for (let i = 0; i < steps.length; i++) {
        await steps[i]!();
        if (i === restartAfter) {
          out.push(...snaps(d));
          // Whatever reached the changelog, as JSON (what Kafka stores), replayed into a fresh task.
          const restore = d.changelog.map((w) => ({ ...w, value: w.value === null ? null : JSON.parse(JSON.stringify(w.value)) }));
          await d.close();
          d = await windowDriver({}, { restore });
        }
      }
      out.push(...snaps(d));
      return out.map((s) => ({ ...s, emittedAt: 0 }));
    };
    const uninterrupted = await run(null);
    expect(uninterrupted.map((s) => s.version)).toEqual([1, 2]);
    // Timers are derived from the restored conversations: a restart between any two steps changes nothing.
    for (const at of [0, 1, 2, 3, 4]) expect(await run(at)).toEqual(uninterrupted);
  });

  it('writes no timer records to the changelog, only stream time', async () => {
    const d = await windowDriver();
    await pipe(d, msg({ id: '1', at: T0, body: 'hola' }));
    await pipe(d, msg({ id: '2', at: T0 + 10 * SEC, body: 'precio?' }));
    await tick(d, T0 + 3 * MIN);
    const timerKeys = d.changelog.filter((w) => w.store === '__timers').map((w) => w.key);
    expect(new Set(timerKeys)).toEqual(new Set(['__stream_time']));
    expect(snaps(d).map((s) => s.version)).toEqual([1]);
  });
});
