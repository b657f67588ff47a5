// One contract for every AnalyticsStore: the in-process one (unit) and
// PostgreSQL (integration, on the stack's DATABASE_URL).
import { describe, expect, it } from 'vitest';
import type { AnalyticsStore, FeedbackEntry } from '../../src/ports/analytics-store.js';
import type { LeadScoreRecord } from '../../src/records/lead-records.js';
import { LEADWIRE_NAMESPACE, leadScoreEventId } from '../../src/records/event-id.js';
import { uuidV5 as uuidV5InNamespace } from '../../src/core/uuid-v5.js';

const uuidV5 = (name: string) => uuidV5InNamespace(name, LEADWIRE_NAMESPACE);

const T = Date.UTC(2026, 5, 1, 12);

export function leadScore(conversationId: string, over: Partial<LeadScoreRecord> = {}): LeadScoreRecord {
  const snapshotVersion = over.snapshotVersion ?? 1;
  const scoring = over.versions?.scoring ?? 'v1';
  return {
    schema: 'leadwire.lead-scores.v1',
    eventId: leadScoreEventId(conversationId, snapshotVersion, scoring, over.revision ?? 0),
    conversationId, snapshotVersion, revision: 0, contentHash: 'h',
    score: 70, probability: 0.6, tier: 'qualified', previousTier: null, tierSource: 'rules',
    components: { fit: 0, intent: 4, negative: 0, implicit: 0, raw: 4 },
    reasons: { positive: [{ signal: 'asks_quote', kind: 'intent', points: 4, messageId: '1', quote: 'quiero una cotización' }], negative: [] },
    signals: [{ id: 'asks_quote', category: 'intent', weight: 4, confidence: 0.9, source: 'rules', evidence: [{ messageId: '1', quote: 'quiero una cotización' }] }],
    implicit: { sharedContact: false, customerMessages: 1, agentMessages: 0, sentiment: 0 },
    contact: { type: 'App\\Models\\Customer', id: '7' }, language: 'es', segment: null, degraded: false,
    versions: { scoring, catalog: 'default@1', prompt: null, model: null },
    lastCustomerMessageAt: T, scoredAt: T,
    ...over,
  } as LeadScoreRecord;
}

function fb(conversationId: string, label: FeedbackEntry['label'], at: number, actor = 'ana'): FeedbackEntry {
  return { feedbackId: uuidV5(`${conversationId}:${label}:${at}:${actor}`), conversationId, label, reason: 'checked', actor, at, tierAtFeedback: 'qualified', scoringVersion: 'v1' };
}

/** `make` returns a fresh, empty store. */
export function analyticsContract(name: string, make: () => Promise<AnalyticsStore>) {
  describe(`AnalyticsStore contract: ${name}`, () => {
    it('records scores idempotently on the event id and keeps history newest first', async () => {
      const s = await make();
      const a1 = leadScore('c1');
      expect(await s.recordScore(a1)).toBe(true);
      expect(await s.recordScore(a1)).toBe(false);
      const a2 = leadScore('c1', { snapshotVersion: 2, score: 40, tier: 'nurturing', previousTier: 'qualified', scoredAt: T + 1000 });
      expect(await s.recordScore(a2)).toBe(true);
      const h = await s.scoreHistory('c1');
      expect(h.map((x) => x.snapshotVersion)).toEqual([2, 1]);
      expect(h[1]!.reasons.positive[0]!.quote).toBe('quiero una cotización');
      expect((await s.latestScore('c1'))!.eventId).toBe(a2.eventId);
      expect(await s.latestScore('nope')).toBeNull();
      await s.close();
    });

    it('a late older score does not roll the lead back', async () => {
      const s = await make();
      await s.recordScore(leadScore('c2', { snapshotVersion: 3, tier: 'nurturing', scoredAt: T + 3000 }));
      await s.recordScore(leadScore('c2', { snapshotVersion: 2, tier: 'qualified', scoredAt: T + 2000 }));
      expect((await s.latestScore('c2'))!.snapshotVersion).toBe(3);
      expect(await s.scoreHistory('c2')).toHaveLength(2);
      await s.close();
    });

    it('lists leads by tier, language and time, newest first, with keyset paging', async () => {
      const s = await make();
      for (let i = 0; i < 7; i++) {
        await s.recordScore(leadScore(`l${i}`, { tier: i % 2 ? 'nurturing' : 'qualified', language: i < 5 ? 'es' : 'en', scoredAt: T + i * 1000 }));
      }
      const q = await s.listLeads({ tier: 'qualified' });
      expect(q.items.map((x) => x.conversationId)).toEqual(['l6', 'l4', 'l2', 'l0']);
      expect(q.next).toBeNull();
      expect((await s.listLeads({ tier: 'qualified', language: 'es' })).items.map((x) => x.conversationId)).toEqual(['l4', 'l2', 'l0']);
      expect((await s.listLeads({ since: T + 5000 })).items.map((x) => x.conversationId)).toEqual(['l6', 'l5']);
      const p1 = await s.listLeads({ limit: 3 });
      expect(p1.items.map((x) => x.conversationId)).toEqual(['l6', 'l5', 'l4']);
      const p2 = await s.listLeads({ limit: 3, cursor: p1.next });
      const p3 = await s.listLeads({ limit: 3, cursor: p2.next });
      expect([...p2.items, ...p3.items].map((x) => x.conversationId)).toEqual(['l3', 'l2', 'l1', 'l0']);
      expect(p3.next).toBeNull();
      expect(p1.items[0]!.contact).toEqual({ type: 'App\\Models\\Customer', id: '7' });
      expect(p1.items[0]!.scoredAt).toBe(T + 6000);
      await s.close();
    });

    it('stores feedback idempotently; labelled leads pair the newest label with the latest score', async () => {
      const s = await make();
      await s.recordScore(leadScore('f1'));
      await s.recordScore(leadScore('f2'));
      expect(await s.recordFeedback(fb('f1', 'good', T))).toBe(true);
      expect(await s.recordFeedback(fb('f1', 'good', T))).toBe(false);
      await s.recordFeedback(fb('f1', 'lost', T + 10));
      await s.recordFeedback(fb('f2', 'bad', T));
      await s.recordFeedback(fb('unscored', 'won', T));
      expect((await s.feedbackOf('f1')).map((f) => f.label)).toEqual(['lost', 'good']);
      const ll = await s.labelledLeads();
      expect(ll.map((l) => [l.conversationId, l.label])).toEqual([['f1', 'lost'], ['f2', 'bad']]);
      expect(ll[0]!.latest.signals[0]!.id).toBe('asks_quote');
      await s.close();
    });

    it('finds stale leads newest first; shadow scores by version', async () => {
      const s = await make();
      await s.recordScore(leadScore('s1', { scoredAt: T }));
      await s.recordScore(leadScore('s2', { scoredAt: T + 1, shadow: { scoringVersion: 'v2', score: 50, probability: 0.4, tier: 'nurturing' } }));
      await s.recordScore(leadScore('s3', { scoredAt: T + 2, versions: { scoring: 'v2', catalog: 'default@1', prompt: null, model: null } }));
      expect((await s.staleLeads({ scoringVersion: 'v2', limit: 10 })).map((x) => x.conversationId)).toEqual(['s2', 's1']);
      expect((await s.staleLeads({ scoringVersion: 'v2', limit: 1 })).map((x) => x.conversationId)).toEqual(['s2']);
      expect((await s.staleLeads({ scoringVersion: 'v2', promptVersion: 'p2', limit: 10 })).map((x) => x.conversationId)).toEqual(['s3', 's2', 's1']);
      expect((await s.shadowScores('v2')).map((x) => x.conversationId)).toEqual(['s2']);
      await s.close();
    });

    it('keeps one active scoring version; promote retires the previous one', async () => {
      const s = await make();
      await s.putScoringVersion({ version: 'v1', status: 'active', parent: null, model: { version: 'v1' } });
      await s.putScoringVersion({ version: 'v2', status: 'shadow', parent: 'v1', model: { version: 'v2' }, metrics: { precision: 0.9 } });
      await expect(s.putScoringVersion({ version: 'v3', status: 'active', parent: null, model: {} })).rejects.toThrow();
      await s.promoteScoringVersion('v2', T);
      const rows = await s.scoringVersions();
      expect(rows.map((r) => [r.version, r.status])).toEqual([['v1', 'retired'], ['v2', 'active']]);
      expect(rows[1]!.metrics).toEqual({ precision: 0.9 });
      expect(rows[1]!.promotedAt).toBe(T);
      await expect(s.promoteScoringVersion('v9', T)).rejects.toThrow(/unknown/);
      await s.close();
    });
  });
}
