import { isRetriable, LeadwireError } from './errors.js';

export interface RetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** 0..1: share of the delay that is randomised (full jitter at 1). */
  jitter: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 5, initialDelayMs: 200, maxDelayMs: 10_000, jitter: 1 };

export interface RetryDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The one retry helper: retries only errors whose `retriable` is true, honours Retry-After. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = defaultRetryPolicy, deps: RetryDeps = {}): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt >= policy.retries) throw error;
      const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
      let delayMs = exp * (1 - policy.jitter) + exp * policy.jitter * random();
      const asked = error instanceof LeadwireError ? error.retryAfterMs : undefined;
      if (asked !== undefined) delayMs = Math.max(delayMs, Math.min(asked, policy.maxDelayMs * 6));
      deps.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
