// Debezium encodes PostgreSQL timestamps differently by column type and
// `time.precision.mode`: connect → epoch ms (io.debezium/Kafka Timestamp),
// adaptive → epoch ms for timestamp(0..3), epoch µs (MicroTimestamp) for
// timestamp(4..6), epoch ns (NanoTimestamp) in some modes; timestamptz →
// ISO-8601 string (ZonedTimestamp). Everything leaves normalize as epoch ms.

/** Above this magnitude an epoch value cannot be milliseconds (year 5138): it is µs. */
const MICROS_THRESHOLD = 1e14;
/** Above this it cannot be µs before year 5138 either: it is ns. */
const NANOS_THRESHOLD = 1e17;

/** Epoch ms from a Debezium timestamp value, or null when absent or unreadable. */
export function toEpochMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return fromNumber(Number(value));
  if (typeof value === 'number') return Number.isFinite(value) ? fromNumber(value) : null;
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value)) return fromNumber(Number(value));
    const ms = Date.parse(withZone(value));
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function fromNumber(n: number): number {
  const abs = Math.abs(n);
  if (abs >= NANOS_THRESHOLD) return Math.floor(n / 1e6);
  if (abs >= MICROS_THRESHOLD) return Math.floor(n / 1e3);
  return Math.floor(n);
}

// ZonedTimestamp always carries a zone; a bare `YYYY-MM-DD HH:MM:SS` (a
// string-typed column or a custom converter) is read as UTC, not host time,
// so results do not depend on the machine's TZ.
function withZone(s: string): string {
  const iso = s.includes('T') ? s : s.replace(' ', 'T');
  return /(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(iso) || !/T\d/.test(iso) ? iso : `${iso}Z`;
}
