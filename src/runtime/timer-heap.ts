import type { Timer } from '../stream/processor-api.js';

interface Entry { at: number; seq: number; id: string }

/**
 * A binary min-heap of deadlines with lazy deletion: rescheduling or cancelling
 * leaves the old entry in the heap and it is skipped when it surfaces, so every
 * operation is O(log n) and nothing ever scans all timers.
 */
export class TimerHeap {
  private heap: Entry[] = [];
  private live = new Map<string, { timer: Timer; seq: number }>();
  private seq = 0;

  get size(): number { return this.live.size; }

  get(id: string): Timer | undefined { return this.live.get(id)?.timer; }

  schedule(timer: Timer): void {
    const seq = ++this.seq;
    this.live.set(timer.id, { timer, seq });
    this.push({ at: timer.at, seq, id: timer.id });
    // Stale entries pile up when a key is rescheduled often; rebuild when they dominate.
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) this.rebuild();
  }

  cancel(id: string): boolean { return this.live.delete(id); }

  /** Earliest live deadline, or undefined. */
  peek(): Timer | undefined {
    this.dropStale();
    const top = this.heap[0];
    return top ? this.live.get(top.id)!.timer : undefined;
  }

  /** Removes and returns the earliest timer if its deadline is ≤ now. */
  popDue(now: number): Timer | undefined {
    const t = this.peek();
    if (!t || t.at > now) return undefined;
    this.heap[0] = this.heap[this.heap.length - 1]!;
    this.heap.pop();
    if (this.heap.length) this.down(0);
    this.live.delete(t.id);
    return t;
  }

  values(): IterableIterator<Timer> {
    const it = this.live.values();
    return (function* () { for (const v of it) yield v.timer; })();
  }

  clear(): void { this.heap = []; this.live.clear(); }

  private dropStale(): void {
    while (this.heap.length) {
      const top = this.heap[0]!;
      const l = this.live.get(top.id);
      if (l && l.seq === top.seq) return;
      this.heap[0] = this.heap[this.heap.length - 1]!;
      this.heap.pop();
      if (this.heap.length) this.down(0);
    }
  }

  private rebuild(): void {
    this.heap = [...this.live.entries()].map(([id, v]) => ({ at: v.timer.at, seq: v.seq, id }));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private less(a: Entry, b: Entry): boolean { return a.at < b.at || (a.at === b.at && a.seq < b.seq); }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
