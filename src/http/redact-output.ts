// Everything text the server returns goes through the same redaction as the
// normalize stage once more: records written before a redaction rule existed,
// or text from feedback and search payloads, must not leak personal data.
// Only free-text fields are passed here: ids and hashes are long digit runs
// that the id rule would (rightly, for text) take for document numbers.
import { redactPii } from '../processors/normalize/redact-pii.js';
import type { Reason, SignalSummary } from '../records/lead-records.js';

export function redactText(s: string): string {
  return redactPii(s).text;
}

export function redactNullable(s: string | null | undefined): string | null {
  return s == null ? null : redactText(s);
}

export function redactReason(r: Reason): Reason {
  return { ...r, quote: redactNullable(r.quote) };
}

export function redactSignal(s: SignalSummary): SignalSummary {
  return { ...s, evidence: s.evidence.map((e) => ({ ...e, quote: redactText(e.quote) })) };
}

/** Shortens text for an excerpt without cutting a placeholder like `[phone]` in half. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  const open = cut.lastIndexOf('[');
  if (open > cut.lastIndexOf(']')) cut = cut.slice(0, open);
  return `${cut.trimEnd()}…`;
}
