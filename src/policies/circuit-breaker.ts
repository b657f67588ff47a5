// A circuit breaker around the LLM endpoint: after `failureThreshold`
// consecutive failures it opens and fails fast for `openMs`, then lets one
// trial call through (half-open). Failing fast is what lets the extract stage
// ship the rules result at once during an outage instead of queueing timeouts.
import { LeadwireError } from '../core/errors.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  run<T>(fn: () => Promise<T>): Promise<T>;
  state(): BreakerState;
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
  onStateChange?: (to: BreakerState, from: BreakerState) => void;
}

export function createCircuitBreaker(opts: CircuitBreakerOptions): CircuitBreaker {
  const now = opts.now ?? Date.now;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const move = (to: BreakerState) => {
    if (to === state) return;
    const from = state;
    state = to;
    opts.onStateChange?.(to, from);
  };

  const current = (): BreakerState => {
    if (state === 'open' && now() - openedAt >= opts.openMs) move('half_open');
    return state;
  };

  return {
    state: current,
    async run(fn) {
      const s = current();
      if (s === 'open' || (s === 'half_open' && trialInFlight)) {
        // Not retriable: retrying inside the open window only burns time the rules result could use.
        throw new LeadwireError('LLM circuit breaker is open', {
          kind: 'unavailable', retriable: false,
          details: { reason: 'circuit_open', retryAt: openedAt + opts.openMs },
        });
      }
      const trial = s === 'half_open';
      if (trial) trialInFlight = true;
      try {
        const out = await fn();
        failures = 0;
        move('closed');
        return out;
      } catch (err) {
        failures++;
        if (trial || failures >= opts.failureThreshold) {
          openedAt = now();
          move('open');
        }
        throw err;
      } finally {
        if (trial) trialInFlight = false;
      }
    },
  };
}
