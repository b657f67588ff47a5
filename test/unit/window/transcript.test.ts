import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/processors/window/content-hash.js';
import { decideLanguage, renderSnapshot } from '../../../src/processors/window/render.js';
import { emptyState, type WindowState } from '../../../src/processors/window/state.js';
import { applyMessage, collapse, compareIds, repeatKey } from '../../../src/processors/window/transcript.js';
import { agent, del, edit, msg, SEC, T0 } from './fixtures.js';

const budget = { maxMessages: 60, maxChars: 12_000 };

function build(...ms: Parameters<typeof applyMessage>[1][]): WindowState {
  let st = emptyState(T0);
  for (const m of ms) st = applyMessage(st, m, m.createdAt, budget).state;
  return st;
}

describe('transcript units', () => {
  it('orders ids as bigints', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareIds('123', '123')).toBe(0);
    expect(['100', '20', '3', '18446744073709551615'].sort(compareIds)).toEqual(['3', '20', '100', '18446744073709551615']);
  });

  it('compares repeated texts ignoring case, accents and whitespace only', () => {
    expect(repeatKey('  Él   PRÉCIO ')).toBe(repeatKey('el precio'));
    expect(repeatKey('El precio?')).not.toBe(repeatKey('El precio'));
  });

  it('collapses only the same customer sender, never agents', () => {
    const a = msg({ at: T0, body: 'ok' });
    const b = msg({ at: T0 + SEC, body: 'OK', sender: { type: 'App\\Models\\Customer', id: '8', role: 'customer' } });
    const c = agent({ at: T0 + 2 * SEC, body: 'ok' });
    const d = agent({ at: T0 + 3 * SEC, body: 'ok' });
    expect(collapse(build(a, b, c, d)).map((g) => g.count)).toEqual([1, 1, 1, 1]);
  });

  it('reports what it did with each message', () => {
    const a = msg({ at: T0, body: 'hola' });
    let st = emptyState(T0);
    const r1 = applyMessage(st, a, T0, budget);
    expect([r1.outcome, r1.changed, r1.dirty]).toEqual(['inserted', true, true]);
    st = r1.state;
    expect(applyMessage(st, a, T0, budget)).toMatchObject({ outcome: 'unchanged', changed: false, dirty: false });
    // A later update with the same text moves updatedAt (stored) but changes no content.
    expect(applyMessage(st, edit(a, 'hola', T0 + SEC), T0, budget)).toMatchObject({ outcome: 'edited', changed: false, dirty: true });
    expect(applyMessage(st, edit(a, 'hola', T0 - SEC), T0, budget)).toMatchObject({ outcome: 'stale', dirty: false });
    expect(applyMessage(st, { ...a, id: '77', body: null, bodyUnchanged: true }, T0, budget)).toMatchObject({ outcome: 'no_body', dirty: false });
    const gone = applyMessage(st, del(a, T0 + SEC), T0, budget);
    expect(gone).toMatchObject({ outcome: 'deleted', changed: true });
    expect(gone.state.messages).toEqual([]);
    expect(applyMessage(gone.state, a, T0, budget).outcome).toBe('tombstoned');
    // A delete that arrives before its insert still wins.
    const early = applyMessage(emptyState(T0), del(a, T0 + SEC, true), T0, budget);
    expect(early).toMatchObject({ outcome: 'unknown_delete', changed: false, dirty: true });
    expect(applyMessage(early.state, a, T0, budget).outcome).toBe('tombstoned');
  });

  it('does not mutate the state it was given', () => {
    const a = msg({ at: T0, body: 'hola' });
    const st = build(a);
    const frozen = JSON.stringify(st);
    applyMessage(st, msg({ at: T0 - SEC, body: 'antes' }), T0, budget);
    applyMessage(st, edit(a, 'otra', T0 + SEC), T0, budget);
    applyMessage(st, del(a, T0 + SEC), T0, budget);
    expect(JSON.stringify(st)).toBe(frozen);
  });

  it('hashes content, not emission metadata', () => {
    const st = build(msg({ at: T0, body: 'hola' }), agent({ at: T0 + SEC, body: 'buenas' }));
    const a = renderSnapshot('42', st, 'gap', [], 1, 1);
    const b = renderSnapshot('42', st, 'hot_trigger', ['asks_price'], 999, 7);
    expect(a.contentHash).toBe(b.contentHash);
    expect(contentHash({ ...a, transcript: a.transcript.map((e, i) => (i ? { ...e, body: 'buenas!' } : e)) })).not.toBe(a.contentHash);
    expect(contentHash({ ...a, counters: { ...a.counters, total: 3 } })).not.toBe(a.contentHash);
  });

  it('decides the language by reliable characters', () => {
    expect(decideLanguage(new Map([['es', 30], ['en', 10]]))).toEqual({ code: 'es', confidence: 0.75 });
    expect(decideLanguage(new Map())).toEqual({ code: 'und', confidence: 0 });
    expect(decideLanguage(new Map([['und', 5]]))).toEqual({ code: 'und', confidence: 0 });
  });
});
