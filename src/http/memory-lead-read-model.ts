// The read model in memory, fed record by record from the lead topics: the
// embedded mode subscribes it to the local runtime, the Kafka mode to a
// consumer of the same topics (kafka-lead-feed.ts). Everything a view returns
// is redacted again on the way out (redact-output.ts).
import type { LeadEventRecord, LeadScoreRecord } from '../records/lead-records.js';
import type { ConversationSnapshot } from '../records/conversation-snapshot.js';
import type { SignalsTranscriptEntry } from '../records/signals-record.js';
import { feedbackId, type FeedbackRecord } from '../records/feedback-record.js';
import type {
  FeedbackView, LeadChange, LeadDetail, LeadEventView, LeadPage, LeadQuery, LeadReadModel, LeadSummary, ScorePoint, TranscriptLine, Trend,
} from './lead-read-model.js';
import { redactNullable, redactReason, redactSignal, redactText, shorten } from './redact-output.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface MemoryLeadReadModelOptions {
  /** Score points kept per conversation. */
  historySize?: number;
  /** Messages in the detail's transcript excerpt. */
  excerptMessages?: number;
  /** Characters per excerpt message. */
  excerptChars?: number;
  /** Reasons on a board card. */
  topReasons?: number;
}

interface Entry {
  score: LeadScoreRecord;
  history: ScorePoint[];
  events: LeadEventView[];
  feedback: FeedbackView[];
  seller: string | null;
}

interface Transcript { version: number; lines: Array<{ id: string; role: string; body: string; createdAt: number }> }

export interface MemoryLeadReadModel extends LeadReadModel {
  applyScore(rec: LeadScoreRecord): void;
  applyEvent(rec: LeadEventRecord): void;
  applyFeedback(rec: FeedbackRecord): void;
  /** A transcript from conversations.v1 (or the slim one on signals.v1), for the detail's excerpt. */
  applyTranscript(conversationId: string, version: number, lines: Array<{ id: string; role: string; body: string; createdAt: number }>): void;
  applySnapshot(s: ConversationSnapshot): void;
  size(): number;
}

export function createMemoryLeadReadModel(opts: MemoryLeadReadModelOptions = {}): MemoryLeadReadModel {
  const historySize = opts.historySize ?? 50;
  const excerptMessages = opts.excerptMessages ?? 12;
  const excerptChars = opts.excerptChars ?? 280;
  const topReasons = opts.topReasons ?? 3;
  const leads = new Map<string, Entry>();
  const transcripts = new Map<string, Transcript>();
  // Feedback can arrive before the conversation's first score (another instance, a CRM).
  const orphanFeedback = new Map<string, FeedbackView[]>();
  const listeners = new Set<(c: LeadChange) => void>();

  const emit = (c: LeadChange) => {
    for (const l of listeners) {
      try { l(c); } catch { /* a broken listener must not stop the feed */ }
    }
  };

  const trendOf = (e: Entry): { trend: Trend; delta: number } => {
    const h = e.history;
    if (h.length < 2) return { trend: 'new', delta: 0 };
    const delta = Math.round((h[h.length - 1]!.score - h[h.length - 2]!.score) * 10) / 10;
    return { trend: delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat', delta };
  };

  const summaryOf = (e: Entry): LeadSummary => {
    const s = e.score;
    const { trend, delta } = trendOf(e);
    return {
      conversationId: s.conversationId,
      tier: s.tier,
      previousTier: s.previousTier,
      score: s.score,
      probability: s.probability,
      trend,
      delta,
      topReasons: s.reasons.positive.slice(0, topReasons).map(redactReason),
      language: s.language,
      segment: s.segment,
      contact: s.contact,
      seller: e.seller,
      degraded: s.degraded,
      label: e.feedback.length ? e.feedback[e.feedback.length - 1]!.label : null,
      snapshotVersion: s.snapshotVersion,
      updatedAt: s.scoredAt,
      lastCustomerMessageAt: s.lastCustomerMessageAt,
      versions: s.versions,
    };
  };

  const excerptOf = (conversationId: string): { transcript: TranscriptLine[]; omitted: number } => {
    const t = transcripts.get(conversationId);
    if (!t) return { transcript: [], omitted: 0 };
    const lines = t.lines.slice(-excerptMessages);
    return {
      transcript: lines.map((l) => ({ id: l.id, role: l.role, at: l.createdAt, text: shorten(redactText(l.body), excerptChars) })),
      omitted: t.lines.length - lines.length,
    };
  };

  const sortKey = (l: LeadSummary, sort: LeadQuery['sort']) => (sort === 'score' ? l.score : l.updatedAt);
  // Descending key, then ascending id: a total order, so a cursor is a position.
  const before = (ak: number, aid: string, bk: number, bid: string) => ak > bk || (ak === bk && cmpId(aid, bid) < 0);

  return {
    applyScore(rec) {
      let e = leads.get(rec.conversationId);
      if (e && rec.snapshotVersion < e.score.snapshotVersion) return;
      if (e && e.history.some((p) => p.eventId === rec.eventId)) return;
      if (!e) {
        e = { score: rec, history: [], events: [], feedback: orphanFeedback.get(rec.conversationId) ?? [], seller: null };
        orphanFeedback.delete(rec.conversationId);
        leads.set(rec.conversationId, e);
      }
      e.score = rec;
      e.history.push({ at: rec.scoredAt, score: rec.score, probability: rec.probability, tier: rec.tier, snapshotVersion: rec.snapshotVersion, scoringVersion: rec.versions.scoring, eventId: rec.eventId });
      if (e.history.length > historySize) e.history.splice(0, e.history.length - historySize);
      emit({ type: 'lead', lead: summaryOf(e) });
    },
    applyEvent(rec) {
      const e = leads.get(rec.conversationId);
      if (!e || e.events.some((x) => x.eventId === rec.eventId)) return;
      e.events.push({ eventId: rec.eventId, type: rec.type, at: rec.at, fromTier: rec.fromTier, toTier: rec.toTier, actions: rec.actions, seller: rec.seller });
      if (e.events.length > historySize) e.events.splice(0, e.events.length - historySize);
      if (rec.seller) e.seller = rec.seller;
      emit({ type: 'lead', lead: summaryOf(e) });
    },
    applyFeedback(rec) {
      const cid = rec.conversation_id;
      const view: FeedbackView = { eventId: feedbackId(rec), label: rec.label, reason: redactNullable(rec.reason), actor: redactText(rec.actor), at: rec.at };
      const e = leads.get(cid);
      const list = e ? e.feedback : (orphanFeedback.get(cid) ?? []);
      if (list.some((f) => f.eventId === view.eventId)) return;
      list.push(view);
      list.sort((a, b) => a.at - b.at);
      if (!e) orphanFeedback.set(cid, list);
      emit({ type: 'feedback', conversationId: cid, feedback: view });
      if (e) emit({ type: 'lead', lead: summaryOf(e) });
    },
    applyTranscript(conversationId, version, lines) {
      const t = transcripts.get(conversationId);
      if (t && t.version > version) return;
      transcripts.set(conversationId, { version, lines });
    },
    applySnapshot(s) {
      this.applyTranscript(s.conversationId, s.version, s.transcript.map((m) => ({ id: m.id, role: m.role, body: m.body, createdAt: m.createdAt })));
    },
    size: () => leads.size,
    async list(q) {
      let rows = [...leads.values()].map(summaryOf);
      if (q.tier?.length) rows = rows.filter((l) => q.tier!.includes(l.tier));
      if (q.language?.length) rows = rows.filter((l) => q.language!.includes(l.language));
      if (q.since !== undefined) rows = rows.filter((l) => l.updatedAt >= q.since!);
      const total = rows.length;
      rows.sort((a, b) => (before(sortKey(a, q.sort), a.conversationId, sortKey(b, q.sort), b.conversationId) ? -1 : 1));
      if (q.cursor) {
        const c = decodeCursor(q.cursor, q.sort ?? 'recent');
        rows = rows.filter((l) => before(c.key, c.id, sortKey(l, q.sort), l.conversationId));
      }
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > q.limit && last ? encodeCursor(q.sort ?? 'recent', sortKey(last, q.sort), last.conversationId) : null;
      return { leads: page, nextCursor, total } satisfies LeadPage;
    },
    async get(conversationId) {
      const e = leads.get(conversationId);
      if (!e) return null;
      const { transcript, omitted } = excerptOf(conversationId);
      return {
        ...summaryOf(e),
        history: [...e.history],
        reasons: { positive: e.score.reasons.positive.map(redactReason), negative: e.score.reasons.negative.map(redactReason) },
        signals: e.score.signals.map(redactSignal),
        events: [...e.events],
        transcript,
        transcriptOmitted: omitted,
        feedback: [...e.feedback],
      } satisfies LeadDetail;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async ready() {
      return { ok: true, detail: `${leads.size} leads in memory` };
    },
  };
}

/** Conversation ids are decimal bigints: compare by length, then text, so "9" < "10". */
function cmpId(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The slim transcript on signals.v1 maps onto the same lines. */
export function linesFromSignals(t: SignalsTranscriptEntry[]): Array<{ id: string; role: string; body: string; createdAt: number }> {
  return t.map((m) => ({ id: m.id, role: m.role, body: m.body, createdAt: m.createdAt }));
}
