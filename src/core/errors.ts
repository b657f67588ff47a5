// One errors module for the whole project. Whether an error is worth retrying
// is data on the error (`retriable`), read by the one retry helper (retry.ts),
// never inferred from message text at the call site.

export type ErrorKind =
  | 'config'
  | 'validation'
  | 'decode'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'upstream'
  | 'state'
  | 'internal';

export interface LeadwireErrorOptions {
  kind: ErrorKind;
  retriable?: boolean;
  /** Milliseconds the remote side asked us to wait (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class LeadwireError extends Error {
  readonly kind: ErrorKind;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, opts: LeadwireErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LeadwireError';
    this.kind = opts.kind;
    this.retriable = opts.retriable ?? defaultRetriable(opts.kind);
    this.retryAfterMs = opts.retryAfterMs;
    this.details = opts.details;
  }
}

function defaultRetriable(kind: ErrorKind): boolean {
  return kind === 'timeout' || kind === 'rate_limited' || kind === 'unavailable';
}

export const configError = (message: string, details?: Record<string, unknown>) =>
  new LeadwireError(message, { kind: 'config', retriable: false, details });

export const validationError = (message: string, details?: Record<string, unknown>) =>
  new LeadwireError(message, { kind: 'validation', retriable: false, details });

export const decodeError = (message: string, cause?: unknown) =>
  new LeadwireError(message, { kind: 'decode', retriable: false, cause });

export function isRetriable(err: unknown): boolean {
  if (err instanceof LeadwireError) return err.retriable;
  // kafkajs marks its own errors with `retriable`; honour it as data too.
  if (err && typeof err === 'object' && 'retriable' in err) return Boolean((err as { retriable: unknown }).retriable);
  return false;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
