// The records on leadwire.lead-scores.v1 and leadwire.lead-events.v1
// (JSON Schemas: schemas/lead-scores.v1.json, schemas/lead-events.v1.json).
import type { Evidence } from './signals-record.js';
import type { ContributionKind, RecordCategory as SignalCategory, SignalStrength } from './signal-vocabulary.js';
import type { Tier } from './tier.js';

export interface Reason {
  signal: string;
  kind: ContributionKind;
  points: number;
  messageId: string | null;
  quote: string | null;
}

export interface SignalSummary {
  id: string;
  category: SignalCategory;
  weight: number;
  /** Intent only (see signals.v1). */
  strength?: SignalStrength;
  confidence: number;
  value?: number;
  source: 'rules' | 'llm';
  evidence: Evidence[];
}

export interface Versions {
  scoring: string;
  catalog: string;
  prompt: string | null;
  model: string | null;
}

export interface Contact { type: string | null; id: string | null }

export interface ShadowScore { scoringVersion: string; score: number; probability: number; tier: Tier }

export interface LeadScoreRecord {
  schema: 'leadwire.lead-scores.v1';
  eventId: string;
  conversationId: string;
  snapshotVersion: number;
  /** Extraction revision of the snapshot (0 unless re-extracted after the LLM was down). */
  revision: number;
  contentHash: string;
  score: number;
  probability: number;
  tier: Tier;
  previousTier: Tier | null;
  tierSource: 'rules' | 'llm';
  /** What decided the tier (the tier policy's rule, with the signal and the customer's words). */
  basis?: { rule: 'strong_intent' | 'no_strong_intent' | 'withdrawn' | 'capped' | 'score'; signal: string | null; quote: string | null };
  components: { fit: number; intent: number; negative: number; implicit: number; raw: number };
  reasons: { positive: Reason[]; negative: Reason[] };
  signals: SignalSummary[];
  implicit: { sharedContact: boolean; customerMessages: number; agentMessages: number; sentiment: number };
  contact: Contact | null;
  language: string;
  segment: string | null;
  degraded: boolean;
  versions: Versions;
  lastCustomerMessageAt: number | null;
  /** Event time of the signals record that produced this score (epoch ms). */
  scoredAt: number;
  shadow?: ShadowScore;
}

export type LeadEventType = 'lead.qualified' | 'lead.nurturing' | 'lead.disqualified';

export type LeadAction =
  | { type: 'alert'; severity: 'high' | 'normal' }
  | { type: 'follow_up_task'; dueAt: number }
  | { type: 'assign'; seller: string; rule: string };

export interface LeadEventRecord {
  schema: 'leadwire.lead-events.v1';
  eventId: string;
  type: LeadEventType;
  conversationId: string;
  snapshotVersion: number;
  fromTier: Tier | null;
  toTier: Tier;
  score: number;
  probability: number;
  reasons: { positive: Reason[]; negative: Reason[] };
  contact: Contact | null;
  language: string;
  segment: string | null;
  actions: LeadAction[];
  /** Actions not taken because they were already taken for this conversation and tier. */
  suppressed: Array<'alert'>;
  /** The seller the conversation is assigned to (kept from its first assignment). */
  seller: string | null;
  versions: Versions;
  at: number;
}

export const LEAD_SCORE_CE_TYPE = 'dev.leadwire.lead-score.v1';
export const LEAD_EVENT_CE_TYPE: Record<LeadEventType, string> = {
  'lead.qualified': 'dev.leadwire.lead.qualified.v1',
  'lead.nurturing': 'dev.leadwire.lead.nurturing.v1',
  'lead.disqualified': 'dev.leadwire.lead.disqualified.v1',
};
export const LEAD_SCORES_SCHEMA_ID = 'https://leadwire.dev/schemas/lead-scores.v1.json';
export const LEAD_EVENTS_SCHEMA_ID = 'https://leadwire.dev/schemas/lead-events.v1.json';
