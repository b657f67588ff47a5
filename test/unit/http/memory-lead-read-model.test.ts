import { describe, expect, it } from 'vitest';
import { createMemoryLeadReadModel } from '../../../src/http/memory-lead-read-model.js';
import { buildFeedbackRecord } from '../../../src/http/feedback-record.js';
import type { LeadChange } from '../../../src/http/lead-read-model.js';
import { leadEvent, leadScore } from './fixtures.js';

const T0 = 1_764_000_000_000;

describe('memory lead read model', () => {
  it('keeps the latest score, the history and the trend', async () => {
    const m = createMemoryLeadReadModel();
    m.applyScore(leadScore({ conversationId: '7', snapshotVersion: 1, score: 40, tier: 'nurturing', scoredAt: T0 }));
    m.applyScore(leadScore({ conversationId: '7', snapshotVersion: 2, score: 91.5, tier: 'qualified', previousTier: 'nurturing', scoredAt: T0 + 1000 }));
    // A replayed older version and a duplicate are ignored.
    m.applyScore(leadScore({ conversationId: '7', snapshotVersion: 1, score: 40, scoredAt: T0 }));
    m.applyScore(leadScore({ conversationId: '7', snapshotVersion: 2, score: 91.5, tier: 'qualified', previousTier: 'nurturing', scoredAt: T0 + 1000 }));
    const d = await m.get('7');
    expect(d!.tier).toBe('qualified');
    expect(d!.history.map((h) => h.score)).toEqual([40, 91.5]);
    expect(d!.trend).toBe('up');
    expect(d!.delta).toBe(51.5);
    expect(await m.get('8')).toBeNull();
  });

  it('filters by tier, language and since, and pages with a stable cursor', async () => {
    const m = createMemoryLeadReadModel();
    for (let i = 1; i <= 25; i++) {
      m.applyScore(leadScore({ conversationId: String(i), tier: i % 3 === 0 ? 'qualified' : 'nurturing', language: i % 2 ? 'es' : 'en', score: i, scoredAt: T0 + i * 1000 }));
    }
    const q = await m.list({ limit: 100, tier: ['qualified'] });
    expect(q.total).toBe(8);
    expect(q.leads.every((l) => l.tier === 'qualified')).toBe(true);
    const en = await m.list({ limit: 100, language: ['en'], since: T0 + 20_000 });
    expect(en.leads.map((l) => l.conversationId)).toEqual(['24', '22', '20']);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await m.list({ limit: 10, sort: 'score', ...(cursor ? { cursor } : {}) });
      seen.push(...p.leads.map((l) => l.conversationId));
      cursor = p.nextCursor ?? undefined;
      pages++;
      // A new score while paging must not shift later pages.
      if (pages === 1) m.applyScore(leadScore({ conversationId: '99', score: 100, scoredAt: T0 }));
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => String(25 - i)));
    await expect(m.list({ limit: 10, sort: 'recent', cursor: (await m.list({ limit: 1, sort: 'score' })).nextCursor! })).rejects.toThrow(/same sort/);
    await expect(m.list({ limit: 10, cursor: 'garbage' })).rejects.toThrow(/nextCursor/);
  });

  it('redacts personal data in every text it returns', async () => {
    const m = createMemoryLeadReadModel({ excerptMessages: 2 });
    m.applyScore(leadScore({
      conversationId: '5',
      reasons: { positive: [{ signal: 'shared_contact', kind: 'implicit', points: 1, messageId: '3', quote: 'escríbeme a ana.perez@example.com' }], negative: [] },
      signals: [{ id: 'asks_call', category: 'intent', weight: 2, confidence: 1, source: 'rules', evidence: [{ messageId: '4', quote: 'llámame al +57 300 123 4567' }] }],
    }));
    m.applyTranscript('5', 1, [
      { id: '1', role: 'customer', body: 'hola', createdAt: T0 },
      { id: '3', role: 'customer', body: 'escríbeme a ana.perez@example.com', createdAt: T0 + 1 },
      { id: '4', role: 'customer', body: 'llámame al +57 300 123 4567, quiero 500 unidades', createdAt: T0 + 2 },
    ]);
    m.applyFeedback(buildFeedbackRecord({ conversationId: '5', label: 'good', reason: 'called 3001234567 and bought', actor: 'crm' }, T0));
    const d = await m.get('5');
    const text = JSON.stringify(d);
    expect(text).not.toContain('ana.perez');
    expect(text).not.toContain('123 4567');
    expect(text).not.toContain('3001234567');
    expect(text).toContain('[email]');
    expect(text).toContain('[phone]');
    expect(text).toContain('500 unidades');
    expect(d!.transcript.map((t) => t.id)).toEqual(['3', '4']);
    expect(d!.transcriptOmitted).toBe(1);
    expect(d!.label).toBe('good');
  });

  it('announces changes, attaches events and early feedback', async () => {
    const m = createMemoryLeadReadModel();
    const changes: LeadChange[] = [];
    const off = m.onChange((c) => changes.push(c));
    m.applyFeedback(buildFeedbackRecord({ conversationId: '9', label: 'bad' }, T0));
    m.applyScore(leadScore({ conversationId: '9', tier: 'qualified', score: 95 }));
    m.applyEvent(leadEvent('9', 'qualified'));
    m.applyEvent(leadEvent('9', 'qualified'));
    off();
    m.applyScore(leadScore({ conversationId: '9', snapshotVersion: 2 }));
    expect(changes.map((c) => c.type)).toEqual(['feedback', 'lead', 'lead']);
    const d = await m.get('9');
    expect(d!.label).toBe('bad');
    expect(d!.seller).toBe('ana');
    expect(d!.events).toHaveLength(1);
  });
});
