import type { IHeaders } from 'kafkajs';

/**
 * Header carrying a record's event time (epoch ms) on every record leadwire
 * writes to Kafka. The record's own Kafka timestamp is the time it was
 * written.
 *
 * Why not event time as the Kafka timestamp (what Kafka Streams does): the
 * broker's time retention deletes a segment once its newest timestamp is older
 * than retention.ms, the active segment included. A backfill of month-old
 * conversations, or any replay of old traffic, stamped with event time is then
 * deleted within one retention check (5 min by default) of being written,
 * before the next stage has read it: its consumer meets OFFSET_OUT_OF_RANGE
 * and kafkajs resets it to the beginning. With the write time as the Kafka
 * timestamp, retention counts from when leadwire wrote the record, whatever
 * the topic's configuration, and topics may reject old timestamps
 * (message.timestamp.before.max.ms) without rejecting backfills.
 */
export const EVENT_TIME_HEADER = 'leadwire-event-time';

/**
 * Kafka timestamp and headers for a record with the given event time, written
 * at `now`. An event time ahead of the clock (a skewed created_at) is taken as
 * now: it would push the reading stage's stream time, and so every session's
 * deadlines, into the future.
 */
export function stampEventTime(eventTime: number, now: number, headers?: Record<string, string>): { timestamp: string; headers: Record<string, string> } {
  return { timestamp: String(now), headers: { ...headers, [EVENT_TIME_HEADER]: String(Math.min(eventTime, now)) } };
}

/**
 * A consumed record's event time: the header when a leadwire writer set it,
 * else the Kafka timestamp (Debezium's records and any other producer's).
 */
export function eventTimeOf(m: { timestamp: string; headers?: IHeaders }): number {
  const h = m.headers?.[EVENT_TIME_HEADER];
  if (h !== undefined && h !== null) {
    const t = Number(Buffer.isBuffer(h) ? h.toString() : Array.isArray(h) ? String(h[0]) : h);
    if (Number.isFinite(t)) return t;
  }
  return Number(m.timestamp);
}
