import { describe, expect, it } from 'vitest';
import { CONVERSATION_STORE } from '../../../src/processors/window/window-processor.js';
import type { WindowState } from '../../../src/processors/window/state.js';
import { windowStateCodec } from '../../../src/processors/window/state-codec.js';
import { embedStateCodec } from '../../../src/processors/embed/embed-processor.js';
import { scoreStateCodec } from '../../../src/processors/score/score-processor.js';
import { MIN, msg, pipe, SEC, snaps, T0, tick, windowDriver } from './fixtures.js';

// Conversation state as the changelog holds it, written by a version whose code used the short keys.
const OLD_WINDOW_STATE = JSON.stringify({
  m: [
    { i: '1', s: 0, b: 'hola', l: 'es', t: T0, lr: 1 },
    { i: '2', s: 0, b: 'precio?', l: 'es', t: T0 + 10 * SEC, u: T0 + 20 * SEC, p: [0, 1, 0, 0] },
  ],
  sd: [['App\\Models\\Customer', '7', 'customer']],
  ct: 0,
  x: [['9', T0 - MIN]],
  le: T0 + 20 * SEC,
  v: 1,
  h: 'hash-of-version-1',
});

describe('window state on the wire', () => {
  it('restores a changelog record written with the short keys, and the conversation continues from it', async () => {
    const d = await windowDriver({}, { restore: [{ store: CONVERSATION_STORE, key: '42', value: Buffer.from(OLD_WINDOW_STATE) }] });
    const st = d.task.ctx.getStore<WindowState>(CONVERSATION_STORE).get('42')!;
    expect(st.version).toBe(1);
    expect(st.contact).toBe(0);
    expect(st.latestEventTime).toBe(T0 + 20 * SEC);
    expect(st.deletes).toEqual([['9', T0 - MIN]]);
    expect(st.messages.map((m) => [m.id, m.body, m.createdAt, m.updatedAt, m.languageReliable, m.pii])).toEqual([
      ['1', 'hola', T0, undefined, 1, undefined],
      ['2', 'precio?', T0 + 10 * SEC, T0 + 20 * SEC, undefined, [0, 1, 0, 0]],
    ]);

    await pipe(d, msg({ id: '3', at: T0 + 4 * MIN, body: '500 unidades' }));
    await tick(d, T0 + 6 * MIN);
    const out = snaps(d);
    expect(out.map((s) => s.version)).toEqual([2]);
    expect(out[0]!.transcript.map((e) => e.body)).toEqual(['hola', 'precio?', '500 unidades']);
  });

  it('writes the same short keys it reads: an old record encodes back to the same JSON', () => {
    expect(windowStateCodec.encode(windowStateCodec.decode(JSON.parse(OLD_WINDOW_STATE)))).toEqual(JSON.parse(OLD_WINDOW_STATE));
  });

  it('keeps the short keys of score history and embed state on the wire', () => {
    const score = {
      snapshotVersion: 4, scoringVersion: 'v2', tier: 'nurturing', emittedScore: 41, shadowTier: null,
      history: [{ v: 3, s: 35, t: 'nurturing', at: T0, sv: 'v1', emitted: true }, { v: 4, s: 41, t: 'nurturing', at: T0 + MIN, sv: 'v2', emitted: false }],
      alerted: [], seller: null,
    };
    const decoded = scoreStateCodec.decode(JSON.parse(JSON.stringify(score)));
    expect(decoded.history[1]).toEqual({ snapshotVersion: 4, score: 41, tier: 'nurturing', at: T0 + MIN, scoringVersion: 'v2', emitted: false });
    expect(scoreStateCodec.encode(decoded)).toEqual(score);

    const embed = { h: 'content-hash', n: 3, e: 'minilm-l12@onnx', tier: 'qualified', language: 'es' };
    const state = embedStateCodec.decode(JSON.parse(JSON.stringify(embed)));
    expect(state).toEqual({ contentHash: 'content-hash', chunks: 3, embedder: 'minilm-l12@onnx', tier: 'qualified', language: 'es' });
    expect(embedStateCodec.encode(state)).toEqual(embed);
  });
});
