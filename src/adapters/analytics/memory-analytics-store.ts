// The in-process AnalyticsStore for the embedded mode and tests: plain maps,
// the same semantics as the PostgreSQL one (the contract suite checks both).
import {
  decodeCursor, encodeCursor, newerOrSame, toSummary,
  type AnalyticsStore, type FeedbackEntry, type LabelledLead, type LeadSummary, type ScoringVersionRow,
} from '../../ports/analytics-store.js';
import type { LeadScoreRecord } from '../../records/lead-records.js';

export function createMemoryAnalyticsStore(): AnalyticsStore {
  const history = new Map<string, LeadScoreRecord>();
  const byConversation = new Map<string, LeadScoreRecord[]>();
  const latest = new Map<string, LeadScoreRecord>();
  const feedback = new Map<string, FeedbackEntry>();
  const versions = new Map<string, ScoringVersionRow>();

  const newestFirst = (a: LeadScoreRecord, b: LeadScoreRecord) =>
    b.snapshotVersion - a.snapshotVersion || (b.revision ?? 0) - (a.revision ?? 0) || b.scoredAt - a.scoredAt;

  return {
    kind: 'memory',
    async init() {},

    async recordScore(rec) {
      if (history.has(rec.eventId)) return false;
      history.set(rec.eventId, rec);
      byConversation.set(rec.conversationId, [...(byConversation.get(rec.conversationId) ?? []), rec]);
      const cur = latest.get(rec.conversationId);
      if (!cur || newerOrSame(rec, cur)) latest.set(rec.conversationId, rec);
      return true;
    },

    async recordFeedback(fb) {
      if (feedback.has(fb.feedbackId)) return false;
      feedback.set(fb.feedbackId, fb);
      return true;
    },

    async latestScore(id) { return latest.get(id) ?? null; },

    async scoreHistory(id, limit = 100) { return [...(byConversation.get(id) ?? [])].sort(newestFirst).slice(0, limit); },

    async listLeads(q = {}) {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor);
      const items: LeadSummary[] = [...latest.values()].map(toSummary)
        .filter((l) => (!q.tier || l.tier === q.tier) && (!q.language || l.language === q.language) && (q.since === undefined || l.scoredAt >= q.since))
        .filter((l) => !after || l.scoredAt < after.scoredAt || (l.scoredAt === after.scoredAt && l.conversationId < after.conversationId))
        .sort((a, b) => b.scoredAt - a.scoredAt || (a.conversationId < b.conversationId ? 1 : a.conversationId > b.conversationId ? -1 : 0));
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page, next: items.length > limit && last ? encodeCursor(last.scoredAt, last.conversationId) : null };
    },

    async feedbackOf(id) { return [...feedback.values()].filter((f) => f.conversationId === id).sort((a, b) => b.at - a.at); },

    async labelledLeads() {
      const newest = new Map<string, FeedbackEntry>();
      for (const f of feedback.values()) {
        const cur = newest.get(f.conversationId);
        if (!cur || f.at > cur.at || (f.at === cur.at && f.feedbackId > cur.feedbackId)) newest.set(f.conversationId, f);
      }
      const out: LabelledLead[] = [];
      for (const [id, f] of newest) {
        const l = latest.get(id);
        if (l) out.push({ conversationId: id, label: f.label, at: f.at, latest: l });
      }
      return out.sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1));
    },

    async staleLeads(q) {
      return [...latest.values()]
        .filter((l) => l.versions.scoring !== q.scoringVersion || (q.promptVersion != null && l.versions.prompt !== q.promptVersion))
        .sort((a, b) => b.scoredAt - a.scoredAt || (a.conversationId < b.conversationId ? 1 : -1))
        .slice(0, q.limit)
        .map((l) => ({ conversationId: l.conversationId, scoredAt: l.scoredAt, scoringVersion: l.versions.scoring, promptVersion: l.versions.prompt }));
    },

    async shadowScores(v) { return [...history.values()].filter((h) => h.shadow?.scoringVersion === v); },

    async putScoringVersion(v) {
      const cur = versions.get(v.version);
      if (v.status === 'active') for (const r of versions.values()) if (r.status === 'active' && r.version !== v.version) throw new Error(`scoring version ${r.version} is already active: promote instead`);
      versions.set(v.version, { version: v.version, status: v.status, parent: v.parent, model: v.model, metrics: v.metrics ?? cur?.metrics ?? {}, createdAt: cur?.createdAt ?? Date.now(), promotedAt: cur?.promotedAt ?? null });
    },

    async promoteScoringVersion(version, at) {
      const row = versions.get(version);
      if (!row) throw new Error(`unknown scoring version ${version}`);
      for (const r of versions.values()) if (r.status === 'active' && r.version !== version) r.status = 'retired';
      row.status = 'active';
      row.promotedAt = at;
    },

    async scoringVersions() { return [...versions.values()].sort((a, b) => a.createdAt - b.createdAt || a.version.localeCompare(b.version)); },

    async close() {},
  };
}
