import { describe, expect, it } from 'vitest';
import { createMessageIndex, type MessageIndexBucket, type MessageIndexEntry } from '../../../src/processors/normalize/message-index.js';
import type { KeyValueStore } from '../../../src/stream/processor-api.js';

type V = MessageIndexBucket | MessageIndexEntry;

function mapStore(): KeyValueStore<V> & { puts: Array<[string, V | null]> } {
  const m = new Map<string, V>();
  const puts: Array<[string, V | null]> = [];
  return {
    name: 'message-index', puts,
    get: (k) => m.get(k),
    put: (k, v) => { m.set(k, v); puts.push([k, v]); },
    delete: (k) => { if (m.delete(k)) puts.push([k, null]); },
    has: (k) => m.has(k),
    entries: () => m.entries(),
    get size() { return m.size; },
  };
}

describe('message index', () => {
  it('keeps neighbouring ids in one bucket and finds each', () => {
    const store = mapStore();
    const index = createMessageIndex(store);
    for (let id = 4800; id < 4900; id++) index.remember(String(id), { c: `c${id % 7}`, t: id });
    index.remember('4900', { c: 'c0', t: 1 });
    expect(store.size).toBe(2);
    expect(index.get('4856')).toEqual({ c: 'c5', t: 4856 });
    expect(index.get('4900')).toEqual({ c: 'c0', t: 1 });
    expect(index.get('4999')).toBeUndefined();
  });

  it('does not write an identical entry again, and puts a changed bucket again', () => {
    const store = mapStore();
    const index = createMessageIndex(store);
    index.remember('17', { c: '1', t: 5 });
    index.remember('17', { c: '1', t: 5 });
    expect(store.puts).toHaveLength(1);
    index.remember('18', { c: '2', t: 6 });
    expect(store.puts.map(([k]) => k)).toEqual(['b:', 'b:']);
    expect(store.get('b:')).toEqual({ 17: ['1', 5], 18: ['2', 6] });
  });

  it('forgets an id, drops an empty bucket, and handles ids beyond 2^53 exactly', () => {
    const store = mapStore();
    const index = createMessageIndex(store);
    index.remember('9007199254740993', { c: '9007199254740995', t: 1 });
    index.remember('9007199254740994', { c: '9007199254740995', t: 2 });
    index.forget('9007199254740993');
    expect(index.get('9007199254740993')).toBeUndefined();
    expect(index.get('9007199254740994')).toEqual({ c: '9007199254740995', t: 2 });
    index.forget('9007199254740994');
    expect(store.size).toBe(0);
  });

  it('still reads and removes entries written one per id by earlier versions', () => {
    const store = mapStore();
    store.put('48213', { c: '1207', t: 9 });
    const index = createMessageIndex(store);
    expect(index.get('48213')).toEqual({ c: '1207', t: 9 });
    index.forget('48213');
    expect(store.has('48213')).toBe(false);
  });
});
