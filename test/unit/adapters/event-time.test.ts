import { describe, expect, it } from 'vitest';
import { EVENT_TIME_HEADER, eventTimeOf, stampEventTime } from '../../../src/adapters/kafka/event-time.js';

describe('event time on Kafka records', () => {
  const may = Date.UTC(2026, 4, 1, 9, 30);
  const now = Date.UTC(2026, 10, 26, 4, 0);

  it('stamps the write time as the Kafka timestamp and the event time as a header, keeping other headers', () => {
    const s = stampEventTime(may, now, { 'ce-id': 'x' });
    expect(s.timestamp).toBe(String(now));
    expect(s.headers).toEqual({ 'ce-id': 'x', [EVENT_TIME_HEADER]: String(may) });
  });

  it('takes an event time ahead of the clock as now', () => {
    expect(stampEventTime(now + 3_600_000, now).headers[EVENT_TIME_HEADER]).toBe(String(now));
  });

  it('reads the event time back from the header as kafkajs delivers it (a Buffer)', () => {
    const { timestamp, headers } = stampEventTime(may, now);
    const consumed = { timestamp, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])) };
    expect(eventTimeOf(consumed)).toBe(may);
  });

  it('falls back to the Kafka timestamp for records other producers wrote (Debezium) or an unreadable header', () => {
    expect(eventTimeOf({ timestamp: String(now) })).toBe(now);
    expect(eventTimeOf({ timestamp: String(now), headers: { other: Buffer.from('1') } })).toBe(now);
    expect(eventTimeOf({ timestamp: String(now), headers: { [EVENT_TIME_HEADER]: Buffer.from('soon') } })).toBe(now);
  });
});
