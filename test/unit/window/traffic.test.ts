// The traffic generator (test/helpers/traffic.ts) must keep the shapes of the
// real export described in DESIGN.md, or the measurements made with it lie.
import { describe, expect, it } from 'vitest';
import { FIRST_MESSAGE_ID, generateConversations, quantile, toWireRows } from '../../helpers/traffic.js';
import { T0 } from './fixtures.js';

describe('traffic generator', () => {
  const msgs = generateConversations({ conversations: 800, seed: 42, startMs: T0 });
  const customer = msgs.filter((m) => m.sender.role === 'customer');

  it('is deterministic from the seed, sorted by createdAt, with increasing bigint ids', () => {
    expect(generateConversations({ conversations: 800, seed: 42, startMs: T0 })).toEqual(msgs);
    expect(generateConversations({ conversations: 800, seed: 43, startMs: T0 })).not.toEqual(msgs);
    for (let i = 1; i < msgs.length; i++) {
      expect(msgs[i]!.createdAt).toBeGreaterThanOrEqual(msgs[i - 1]!.createdAt);
      expect(BigInt(msgs[i]!.id)).toBe(BigInt(msgs[i - 1]!.id) + 1n);
    }
    expect(msgs[0]!.id).toBe(FIRST_MESSAGE_ID.toString());
    expect(msgs[0]!.createdAt).toBe(T0);
  });

  it('has the shapes of the real export', () => {
    const lens = customer.map((m) => m.body!.length);
    const short = customer.filter((m) => m.words <= 2).length / customer.length;
    const byConv = new Map<string, number[]>();
    for (const m of customer) byConv.set(m.conversationId, [...(byConv.get(m.conversationId) ?? []), m.createdAt]);
    const counts = [...byConv.values()].map((a) => a.length);
    const gaps = [...byConv.values()].flatMap((a) => a.slice(1).map((t, i) => (t - a[i]!) / 1000));
    const spanHours = [...byConv.values()].map((a) => (a[a.length - 1]! - a[0]!) / 3_600_000);
    const spanish = customer.filter((m) => m.language.code === 'es').length / customer.length;
    // DESIGN.md: 46% ≤ 2 words; length p50 15, p90 53, max 279; per conversation p50 7, p90 17, max 110;
    // gaps p10 8 s, p50 63 s, p75 3 min, p90 67 min; span p50 1.4 h, p90 68 h. Tolerances are generous but real.
    expect(short).toBeGreaterThan(0.38);
    expect(short).toBeLessThan(0.54);
    expect(quantile(lens, 0.5)).toBeGreaterThanOrEqual(10);
    expect(quantile(lens, 0.5)).toBeLessThanOrEqual(22);
    expect(quantile(lens, 0.9)).toBeGreaterThanOrEqual(40);
    expect(quantile(lens, 0.9)).toBeLessThanOrEqual(70);
    expect(Math.max(...lens)).toBeLessThanOrEqual(279);
    expect(quantile(counts, 0.5)).toBeGreaterThanOrEqual(6);
    expect(quantile(counts, 0.5)).toBeLessThanOrEqual(8);
    expect(quantile(counts, 0.9)).toBeGreaterThanOrEqual(14);
    expect(quantile(counts, 0.9)).toBeLessThanOrEqual(20);
    expect(Math.max(...counts)).toBeLessThanOrEqual(110);
    expect(quantile(gaps, 0.1)).toBeGreaterThan(4);
    expect(quantile(gaps, 0.1)).toBeLessThan(12);
    expect(quantile(gaps, 0.5)).toBeGreaterThan(40);
    expect(quantile(gaps, 0.5)).toBeLessThan(90);
    expect(quantile(gaps, 0.75)).toBeGreaterThan(120);
    expect(quantile(gaps, 0.75)).toBeLessThan(300);
    expect(quantile(gaps, 0.9)).toBeGreaterThan(30 * 60);
    expect(quantile(gaps, 0.9)).toBeLessThan(120 * 60);
    expect(quantile(spanHours, 0.5)).toBeGreaterThan(0.5);
    expect(quantile(spanHours, 0.5)).toBeLessThan(3);
    expect(quantile(spanHours, 0.9)).toBeGreaterThan(30);
    expect(spanish).toBeGreaterThan(0.8);
    // Customers and agents both write, and buying phrases are there.
    expect(msgs.length - customer.length).toBeGreaterThan(msgs.length * 0.1);
    expect(customer.some((m) => /el precio/i.test(m.body!))).toBe(true);
    expect(customer.some((m) => /cotizaci[oó]n/i.test(m.body!))).toBe(true);
    expect(customer.some((m) => m.pii.phones > 0 && m.body!.includes('[phone]'))).toBe(true);
  });

  it('gives plain wire_messages rows', () => {
    const rows = toWireRows(msgs.slice(0, 3));
    expect(rows[0]).toEqual({
      id: msgs[0]!.id,
      conversation_id: msgs[0]!.conversationId,
      sendable_id: msgs[0]!.sender.id,
      sendable_type: msgs[0]!.sender.type,
      body: msgs[0]!.body,
      type: 'text',
      created_at: new Date(T0).toISOString().replace('T', ' ').replace('Z', ''),
      updated_at: new Date(T0).toISOString().replace('T', ' ').replace('Z', ''),
    });
  });
});
