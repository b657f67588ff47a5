// Whole-traffic runs: replays at different wall-clock speeds give the same
// snapshots, and every snapshot matches schemas/conversations.v1.json.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import { generateConversations } from '../../helpers/traffic.js';
import { del, MIN, pipe, simpleHot, T0, tick, windowDriver } from './fixtures.js';

type Speed = 'fast' | 'slow' | 'real';

/** Pipes the traffic; the wall clock moves 0 ms (fast), 5 s (slow) or the event-time delta (real) per record. */
async function replay(traffic: NormalizedMessage[], speed: Speed): Promise<ConversationSnapshot[]> {
  const d = await windowDriver({}, { detectHot: simpleHot });
  let prev = traffic[0]!.createdAt;
  for (const m of traffic) {
    if (speed === 'slow') await d.advanceWallClock(5_000);
    if (speed === 'real') await d.advanceWallClock(m.createdAt - prev);
    prev = m.createdAt;
    await pipe(d, m);
  }
  // The end of the input: stream time moves a day on (a record of a conversation left out of the comparison).
  await tick(d, prev + 24 * 60 * MIN, 'end');
  return d.values<ConversationSnapshot>().filter((s) => s.conversationId !== 'end');
}

const comparable = (s: ConversationSnapshot) => ({ ...s, emittedAt: 0 });

describe('window: replays', () => {
  const traffic = generateConversations({ conversations: 60, seed: 7, startMs: T0 });

  it('gives identical snapshots at any replay speed (emittedAt aside)', async () => {
    const fast = await replay(traffic, 'fast');
    const slow = await replay(traffic, 'slow');
    expect(fast.length).toBeGreaterThan(60);
    expect(slow.map(comparable)).toEqual(fast.map(comparable));
    const reasons = new Set(fast.map((s) => s.reason));
    expect(reasons.has('gap') && reasons.has('hot_trigger')).toBe(true);
  });

  it('closes the same sessions on the wall clock as in event time when replayed in real time', async () => {
    const fast = await replay(traffic, 'fast');
    const real = await replay(traffic, 'real');
    const wall = real.filter((s) => s.reason === 'wall_clock').length;
    expect(wall).toBeGreaterThan(0);
    // A wall-clock close is the event-time gap arriving early: same content, same version, same order per conversation.
    const asGap = (s: ConversationSnapshot) => ({ ...comparable(s), reason: s.reason === 'wall_clock' ? 'gap' : s.reason });
    const byConversation = (xs: ConversationSnapshot[]) => {
      const m = new Map<string, unknown[]>();
      for (const s of xs) m.set(s.conversationId, [...(m.get(s.conversationId) ?? []), asGap(s)]);
      return m;
    };
    expect(byConversation(real)).toEqual(byConversation(fast));
  });

  it('emits snapshots that match schemas/conversations.v1.json', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/conversations.v1.json', import.meta.url), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const out = await replay(traffic, 'real');
    // Plus the corner shapes: a deletion down to an empty transcript, and repeats.
    const d = await windowDriver();
    const a = traffic.find((m) => m.sender.role === 'customer')!;
    const first = { ...a, conversationId: '9' };
    await pipe(d, first);
    await pipe(d, { ...first, id: String(BigInt(first.id) + 1n), createdAt: first.createdAt + 1000 });
    await tick(d, first.createdAt + 10 * MIN);
    await pipe(d, del(first, first.createdAt + 11 * MIN, true), first.createdAt);
    await pipe(d, del({ ...first, id: String(BigInt(first.id) + 1n) }, first.createdAt + 11 * MIN, true), first.createdAt);
    const corner = d.values<ConversationSnapshot>().filter((s) => s.conversationId === '9');
    expect(corner.map((s) => [s.reason, s.transcript.length, s.transcript[0]?.repeat])).toEqual([['gap', 1, 2], ['delete', 0, undefined]]);
    for (const s of [...out, ...corner]) {
      const ok = validate(JSON.parse(JSON.stringify(s)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    // The schema is not vacuous: a broken snapshot fails.
    expect(validate({ ...out[0], version: 0 })).toBe(false);
    expect(validate({ ...out[0], extra: 1 })).toBe(false);
  });
});
