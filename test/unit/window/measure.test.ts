// Measurements on realistic generated traffic (printed for the report, with
// bounds that catch regressions): snapshots per 1,000 messages with the
// default config, and the JSON size of a 20-message conversation's state.
import { describe, expect, it } from 'vitest';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import type { WindowState } from '../../../src/processors/window/state.js';
import { CONVERSATION_STORE } from '../../../src/processors/window/window-processor.js';
import { generateConversations } from '../../helpers/traffic.js';
import { MIN, pipe, simpleHot, T0, tick, windowDriver } from './fixtures.js';
import { windowStateCodec } from '../../../src/processors/window/state-codec.js';

async function rate(traffic: NormalizedMessage[], detectHot: (m: NormalizedMessage) => string[]) {
  const d = await windowDriver({}, { detectHot });
  for (const m of traffic) await pipe(d, m);
  await tick(d, traffic[traffic.length - 1]!.createdAt + 24 * 60 * MIN, 'end');
  const out = d.values<ConversationSnapshot>().filter((s) => s.conversationId !== 'end');
  const byReason: Record<string, number> = {};
  for (const s of out) byReason[s.reason] = (byReason[s.reason] ?? 0) + 1;
  const conversations = new Set(traffic.map((m) => m.conversationId)).size;
  return { snapshots: out.length, perThousand: Math.round((out.length / traffic.length) * 1000), conversations, byReason, driver: d };
}

describe('window: measurements on generated traffic', () => {
  // About the size of the public export: 802 conversations over three weeks.
  const traffic = generateConversations({ conversations: 802, seed: 2024, startMs: T0 });

  it('snapshots per 1,000 messages with the default config', async () => {
    const gapOnly = await rate(traffic, () => []);
    const withHot = await rate(traffic, simpleHot);
    const perConversation = Math.round((gapOnly.conversations / traffic.length) * 1000);
    console.log(`[window] ${traffic.length} messages, ${gapOnly.conversations} conversations (one per conversation = ${perConversation}/1000)`);
    console.log(`[window] no hot triggers: ${gapOnly.snapshots} snapshots = ${gapOnly.perThousand}/1000 ${JSON.stringify(gapOnly.byReason)}`);
    console.log(`[window] price/quote hot triggers: ${withHot.snapshots} snapshots = ${withHot.perThousand}/1000 ${JSON.stringify(withHot.byReason)}`);
    // At least one per conversation, well below one per message; hot triggers only add.
    expect(gapOnly.snapshots).toBeGreaterThanOrEqual(gapOnly.conversations);
    expect(gapOnly.perThousand).toBeLessThan(700);
    expect(withHot.snapshots).toBeGreaterThan(gapOnly.snapshots);
    expect(withHot.byReason.hot_trigger).toBeGreaterThan(0);
  });

  it('JSON size of a 20-message conversation state', async () => {
    const counts = new Map<string, number>();
    for (const m of traffic) counts.set(m.conversationId, (counts.get(m.conversationId) ?? 0) + 1);
    const twenty = [...counts].filter(([, n]) => n === 20).map(([c]) => c);
    expect(twenty.length).toBeGreaterThan(0);
    const d = await windowDriver();
    for (const m of traffic) if (twenty.includes(m.conversationId)) await pipe(d, m);
    const store = d.task.ctx.getStore<WindowState>(CONVERSATION_STORE);
    // What the changelog and the serialized store hold: the state's wire encoding.
    const sizes = twenty.map((c) => Buffer.byteLength(JSON.stringify(windowStateCodec.encode(store.get(c)!))));
    const bodies = twenty.map((c) => store.get(c)!.messages.reduce((n, x) => n + Buffer.byteLength(x.body), 0));
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    console.log(`[window] 20-message state JSON: avg ${avg(sizes)} B (bodies ${avg(bodies)} B), max ${Math.max(...sizes)} B over ${twenty.length} conversations`);
    // Beyond the bodies: ~65 bytes a message (id, time, sender, language) and ~300 fixed (hash, senders).
    expect(avg(sizes) - avg(bodies)).toBeLessThan(20 * 70 + 400);
  });
});
