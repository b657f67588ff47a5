import { describe, expect, it } from 'vitest';
import { LeadwireError } from '../../../src/core/errors.js';
import { createCircuitBreaker } from '../../../src/policies/circuit-breaker.js';
import { createRateLimiter } from '../../../src/policies/rate-limiter.js';

function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => { slept.push(ms); t += ms; }, slept, advance: (ms: number) => { t += ms; } };
}

describe('rate limiter', () => {
  it('lets a minute of requests through, then waits for the bucket to refill', async () => {
    const time = fakeTime();
    const rl = createRateLimiter({ requestsPerMinute: 3, tokensPerMinute: 1_000_000, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 3; i++) await rl.acquire(10);
    expect(time.slept).toEqual([]);
    await rl.acquire(10);
    // One request refills in 20 s at 3/min.
    expect(time.slept.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('meters tokens per minute too, and a request above the whole budget waits for a full bucket', async () => {
    const time = fakeTime();
    const rl = createRateLimiter({ requestsPerMinute: 1_000, tokensPerMinute: 6_000, now: time.now, sleep: time.sleep });
    await rl.acquire(6_000);
    expect(rl.waitMs(3_000)).toBe(30_000);
    await rl.acquire(3_000);
    expect(time.now()).toBe(30_000);
    await rl.acquire(60_000); // clamped to the 6,000 capacity: waits 60 s, not forever
    expect(time.now()).toBe(90_000);
  });

  it('serves waiters in order', async () => {
    const time = fakeTime();
    const rl = createRateLimiter({ requestsPerMinute: 1, tokensPerMinute: 10_000, now: time.now, sleep: time.sleep });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => rl.acquire(1).then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(time.now()).toBe(120_000);
  });
});

describe('circuit breaker', () => {
  const boom = async () => { throw new LeadwireError('down', { kind: 'unavailable' }); };

  it('opens after the threshold, fails fast without calling, then half-opens after openMs', async () => {
    const time = fakeTime();
    const states: string[] = [];
    const b = createCircuitBreaker({ failureThreshold: 2, openMs: 1_000, now: time.now, onStateChange: (to) => states.push(to) });
    await expect(b.run(boom)).rejects.toThrow('down');
    expect(b.state()).toBe('closed');
    await expect(b.run(boom)).rejects.toThrow('down');
    expect(b.state()).toBe('open');
    let called = 0;
    const err = await b.run(async () => { called++; return 1; }).catch((e) => e);
    expect(called).toBe(0);
    expect(err).toBeInstanceOf(LeadwireError);
    expect(err.retriable).toBe(false);
    expect(err.details.reason).toBe('circuit_open');
    time.advance(1_000);
    expect(b.state()).toBe('half_open');
    await expect(b.run(async () => 42)).resolves.toBe(42);
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed trial call re-opens at once', async () => {
    const time = fakeTime();
    const b = createCircuitBreaker({ failureThreshold: 5, openMs: 1_000, now: time.now });
    for (let i = 0; i < 5; i++) await b.run(boom).catch(() => undefined);
    expect(b.state()).toBe('open');
    time.advance(1_000);
    await b.run(boom).catch(() => undefined);
    expect(b.state()).toBe('open');
  });

  it('a success resets the consecutive failure count', async () => {
    const b = createCircuitBreaker({ failureThreshold: 2, openMs: 1_000 });
    await b.run(boom).catch(() => undefined);
    await b.run(async () => 1);
    await b.run(boom).catch(() => undefined);
    expect(b.state()).toBe('closed');
  });
});
