// The read side the HTTP API and the board query: the latest score of every
// conversation, its history, and what people said about it. Implementations:
// in memory, fed from topic records (local runtime, or a Kafka consumer of the
// lead topics), and later the analytics store (PostgreSQL).
import type { Tier } from '../records/tier.js';
import type { FeedbackLabel } from '../records/feedback-record.js';
import type { Reason, Contact, Versions, SignalSummary, LeadAction, LeadEventType } from '../records/lead-records.js';

export type Trend = 'new' | 'up' | 'down' | 'flat';

/** One row of the lead list and one card of the board. */
export interface LeadSummary {
  conversationId: string;
  tier: Tier;
  previousTier: Tier | null;
  score: number;
  probability: number;
  trend: Trend;
  /** Score change since the previous emitted score (0 for a new lead). */
  delta: number;
  topReasons: Reason[];
  language: string;
  segment: string | null;
  contact: Contact | null;
  seller: string | null;
  degraded: boolean;
  /** The last label people gave, if any. */
  label: FeedbackLabel | null;
  snapshotVersion: number;
  /** Event time of the latest score (epoch ms). */
  updatedAt: number;
  lastCustomerMessageAt: number | null;
  versions: Versions;
}

export interface ScorePoint { at: number; score: number; probability: number; tier: Tier; snapshotVersion: number; scoringVersion: string; eventId: string }
export interface LeadEventView { eventId: string; type: LeadEventType; at: number; fromTier: Tier | null; toTier: Tier; actions: LeadAction[]; seller: string | null }
export interface TranscriptLine { id: string; role: string; at: number; text: string }
export interface FeedbackView { eventId: string; label: FeedbackLabel; reason: string | null; actor: string; at: number }

export interface LeadDetail extends LeadSummary {
  history: ScorePoint[];
  reasons: { positive: Reason[]; negative: Reason[] };
  signals: SignalSummary[];
  events: LeadEventView[];
  /** The last messages of the conversation, redacted and shortened. */
  transcript: TranscriptLine[];
  /** Messages of the conversation not in the excerpt. */
  transcriptOmitted: number;
  feedback: FeedbackView[];
}

export type LeadSort = 'recent' | 'score';

export interface LeadQuery {
  tier?: Tier[];
  language?: string[];
  /** Leads scored at or after this time (epoch ms). */
  since?: number;
  sort?: LeadSort;
  limit: number;
  /** Opaque position from the previous page's `nextCursor`. */
  cursor?: string;
}

export interface LeadPage { leads: LeadSummary[]; nextCursor: string | null; total: number }

export type LeadChange =
  | { type: 'lead'; lead: LeadSummary }
  | { type: 'feedback'; conversationId: string; feedback: FeedbackView };

export interface LeadReadModel {
  list(q: LeadQuery): Promise<LeadPage>;
  get(conversationId: string): Promise<LeadDetail | null>;
  /** Live changes (the board's server-sent events). Returns the unsubscribe function. */
  onChange(listener: (c: LeadChange) => void): () => void;
  /** A dependency check for /readyz. */
  ready(): Promise<{ ok: boolean; detail?: string }>;
}
