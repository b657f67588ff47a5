import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../../src/runtime/timer-heap.js';

describe('TimerHeap', () => {
  it('pops due timers in deadline order and skips rescheduled/cancelled entries', () => {
    const h = new TimerHeap();
    h.schedule({ id: 'a', at: 30, kind: 'event', key: 'a' });
    h.schedule({ id: 'b', at: 10, kind: 'event', key: 'b' });
    h.schedule({ id: 'c', at: 20, kind: 'event', key: 'c' });
    h.schedule({ id: 'b', at: 40, kind: 'event', key: 'b' }); // reschedule later
    h.cancel('c');
    expect(h.popDue(25)).toBeUndefined();
    expect(h.popDue(35)?.id).toBe('a');
    expect(h.popDue(100)?.id).toBe('b');
    expect(h.popDue(100)).toBeUndefined();
    expect(h.size).toBe(0);
  });

  it('stays ordered under many random operations', () => {
    const h = new TimerHeap();
    const truth = new Map<string, number>();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const id = `k${Math.floor(rnd() * 300)}`;
      if (rnd() < 0.2) { h.cancel(id); truth.delete(id); } else { const at = Math.floor(rnd() * 10000); h.schedule({ id, at, kind: 'wall', key: id }); truth.set(id, at); }
    }
    const popped: number[] = [];
    for (let t = h.popDue(Infinity); t; t = h.popDue(Infinity)) { popped.push(t.at); expect(truth.get(t.id)).toBe(t.at); truth.delete(t.id); }
    expect(truth.size).toBe(0);
    expect([...popped].sort((a, b) => a - b)).toEqual(popped);
  });
});
