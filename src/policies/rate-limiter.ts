// Token buckets for requests and tokens per minute, as the providers meter
// them. Callers wait (FIFO) instead of being refused: a slow LLM stage is
// better than a 429 storm, and the wait shows up as latency, not failures.
export interface RateLimiter {
  /** Resolves when one request of `tokens` tokens fits both budgets. */
  acquire(tokens: number): Promise<void>;
  /** Milliseconds the next acquire(tokens) would wait now (0 when it fits). */
  waitMs(tokens: number): number;
}

export interface RateLimiterOptions {
  requestsPerMinute: number;
  tokensPerMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket { capacity: number; level: number; perMs: number }

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const mk = (perMinute: number): Bucket => ({ capacity: perMinute, level: perMinute, perMs: perMinute / 60_000 });
  const requests = mk(opts.requestsPerMinute);
  const tokens = mk(opts.tokensPerMinute);
  let last = now();
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = now();
    const dt = Math.max(0, t - last);
    last = t;
    for (const b of [requests, tokens]) b.level = Math.min(b.capacity, b.level + dt * b.perMs);
  };
  // A request larger than the whole minute budget could never fit: it waits for a full bucket instead.
  const need = (b: Bucket, n: number) => Math.min(n, b.capacity);
  const waitFor = (b: Bucket, n: number) => Math.max(0, (need(b, n) - b.level) / b.perMs);

  const waitMs = (n: number) => { refill(); return Math.ceil(Math.max(waitFor(requests, 1), waitFor(tokens, n))); };

  async function take(n: number): Promise<void> {
    for (;;) {
      const w = waitMs(n);
      if (w <= 0) {
        requests.level -= 1;
        tokens.level -= need(tokens, n);
        return;
      }
      await sleep(w);
    }
  }

  return {
    waitMs,
    acquire(n) {
      const turn = queue.then(() => take(Math.max(0, n)));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
