// The AnalyticsStore port: score history, the latest score per conversation
// (the lead list), feedback and scoring versions. PostgreSQL in production, an
// in-process implementation for the embedded mode and tests; one contract suite
// (test/integration/analytics.test.ts) holds both to the same behaviour.
// Writers are at-least-once sinks, so every insert is idempotent on its id.
import type { Tier } from '../records/tier.js';
import type { FeedbackLabel } from '../records/feedback-record.js';
import type { LeadScoreRecord } from '../records/lead-records.js';


export interface FeedbackEntry {
  feedbackId: string;
  conversationId: string;
  label: FeedbackLabel;
  reason: string | null;
  actor: string;
  /** Epoch ms. */
  at: number;
  tierAtFeedback: Tier | null;
  scoringVersion: string | null;
}

export interface LeadSummary {
  conversationId: string;
  eventId: string;
  snapshotVersion: number;
  scoringVersion: string;
  promptVersion: string | null;
  score: number;
  probability: number;
  tier: Tier;
  language: string;
  segment: string | null;
  contact: { type: string | null; id: string | null } | null;
  scoredAt: number;
}

export interface LeadListQuery {
  tier?: Tier;
  language?: string;
  /** Only leads scored at or after this time (epoch ms). */
  since?: number;
  limit?: number;
  /** Opaque cursor from the previous page's `next`. */
  cursor?: string | null;
}

export type ScoringStatus = 'candidate' | 'shadow' | 'active' | 'retired';

export interface ScoringVersionRow {
  version: string;
  status: ScoringStatus;
  parent: string | null;
  model: unknown;
  metrics: Record<string, unknown>;
  createdAt: number;
  promotedAt: number | null;
}

/** A conversation people judged, with its latest label and latest score (the recalibration input). */
export interface LabelledLead { conversationId: string; label: FeedbackLabel; at: number; latest: LeadScoreRecord }

export interface StaleLead { conversationId: string; scoredAt: number; scoringVersion: string; promptVersion: string | null }

export interface AnalyticsStore {
  readonly kind: 'pg' | 'memory';
  /** Creates the tables if needed (migrations); idempotent. */
  init(): Promise<void>;
  /** Appends to the history and moves the lead forward; false when the event id was already stored. */
  recordScore(rec: LeadScoreRecord): Promise<boolean>;
  recordFeedback(fb: FeedbackEntry): Promise<boolean>;
  latestScore(conversationId: string): Promise<LeadScoreRecord | null>;
  /** Newest first. */
  scoreHistory(conversationId: string, limit?: number): Promise<LeadScoreRecord[]>;
  listLeads(q?: LeadListQuery): Promise<{ items: LeadSummary[]; next: string | null }>;
  /** Newest first. */
  feedbackOf(conversationId: string): Promise<FeedbackEntry[]>;
  labelledLeads(): Promise<LabelledLead[]>;
  /** Conversations whose latest score is not from these versions, newest first. */
  staleLeads(q: { scoringVersion: string; promptVersion?: string | null; limit: number }): Promise<StaleLead[]>;
  /** Scores a shadow version left beside the active ones (history rows that carry it). */
  shadowScores(shadowVersion: string): Promise<LeadScoreRecord[]>;
  putScoringVersion(v: { version: string; status: ScoringStatus; parent: string | null; model: unknown; metrics?: Record<string, unknown> }): Promise<void>;
  /** Makes `version` active and retires the previous active one, atomically. */
  promoteScoringVersion(version: string, at: number): Promise<void>;
  scoringVersions(): Promise<ScoringVersionRow[]>;
  close(): Promise<void>;
}

/** Keyset cursor: (scoredAt, conversationId) of the last item of a page. */
export function encodeCursor(scoredAt: number, conversationId: string): string {
  return Buffer.from(JSON.stringify([scoredAt, conversationId])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): { scoredAt: number; conversationId: string } | null {
  if (!cursor) return null;
  try {
    const [scoredAt, conversationId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, string];
    if (typeof scoredAt === 'number' && typeof conversationId === 'string') return { scoredAt, conversationId };
  } catch { /* fall through */ }
  throw new Error('invalid lead list cursor');
}

/** Ordering of scores of one conversation: snapshot version, then revision, then event time. */
export function newerOrSame(a: Pick<LeadScoreRecord, 'snapshotVersion' | 'revision' | 'scoredAt'>, b: Pick<LeadScoreRecord, 'snapshotVersion' | 'revision' | 'scoredAt'>): boolean {
  const d = a.snapshotVersion - b.snapshotVersion || (a.revision ?? 0) - (b.revision ?? 0) || a.scoredAt - b.scoredAt;
  return d >= 0;
}

export function toSummary(r: LeadScoreRecord): LeadSummary {
  return {
    conversationId: r.conversationId, eventId: r.eventId, snapshotVersion: r.snapshotVersion, scoringVersion: r.versions.scoring,
    promptVersion: r.versions.prompt, score: r.score, probability: r.probability, tier: r.tier, language: r.language,
    segment: r.segment, contact: r.contact, scoredAt: r.scoredAt,
  };
}
