// The record on leadwire.signals.v1 (JSON Schema: schemas/signals.v1.json).
// Key: conversation_id. One record per conversation snapshot.
import type { RecordCategory, SentimentLabel, SignalStrength } from './signal-vocabulary.js';
import type { Tier } from './tier.js';

export interface Evidence {
  messageId: string;
  /** Exact substring of the message body. */
  quote: string;
}

export interface Signal {
  id: string;
  /** Records never carry acts (category act). */
  category: RecordCategory;
  weight: number;
  /**
   * Intent only. strong: it can make the lead qualified on its own; weak:
   * interest (also a strong signal said hypothetically, "if I were to buy").
   * Absent on records written before the tier policy: read as the weight says.
   */
  strength?: SignalStrength;
  /** 0..1: how sure the extractor is that the signal is present. */
  confidence: number;
  /** Captured number (e.g. units), for signals with number capture: the largest one seen. */
  value?: number;
  evidence: Evidence[];
  /** Which extractor found it; the LLM extractor adds its own. */
  source: 'rules' | 'llm';
}

export interface ImplicitSignals {
  sentiment: {
    score: number;
    label: SentimentLabel;
    /** Per customer message, in transcript order. */
    messages: Array<{ messageId: string; score: number }>;
  };
  customerMessages: number;
  agentMessages: number;
  /** Median agent response time in ms; null when no agent answered yet. */
  agentResponseMedianMs: number | null;
  /** Time since the customer's last message at extraction time; null when the customer never wrote. */
  recencyMs: number | null;
  /** Customer messages that contained a phone number or e-mail (redacted upstream): a contact was shared. */
  sharedContact: boolean;
}

/** One field the LLM extracted: a value, how sure it is, and the transcript messages that support it. */
export interface LlmField<T> {
  value: T;
  confidence: number;
  /** Transcript message ids (wire ids); claims whose ids were not in the data were dropped. */
  messageIds: string[];
}

/** What the LLM extractor adds to the rules (src/processors/extract/llm/). */
export interface LlmInsights {
  model: string;
  promptVersion: string;
  /** The snapshot the model read: older than the record's when the call gate reused an earlier answer. */
  basedOn: { contentHash: string; lastCustomerMessageId: string | null; trimmedMessages: number };
  /** True when this snapshot made no call and the last answer was carried over (re-checked against this transcript). */
  reused: boolean;
  /** True when the answer came from the result cache. */
  cached: boolean;
  intent: LlmField<'none' | 'low' | 'medium' | 'high'>;
  need: LlmField<string | null>;
  budget: { amount: number | null; currency: string | null; confidence: number; messageIds: string[] };
  authority: LlmField<'unknown' | 'decision_maker' | 'influencer' | 'end_user'>;
  timeline: LlmField<string | null>;
  companySize: LlmField<string | null>;
  competitors: LlmField<string[]>;
  objections: LlmField<string[]>;
  nextStep: LlmField<string | null>;
  summary: string;
  /** null when the model suggested no tier, or its suggestion had no support in customer messages. */
  tierSuggestion: { tier: Tier; confidence: number; messageIds: string[] } | null;
  /** Customer messages that read like instructions to the model: never accepted as support. */
  flaggedMessageIds: string[];
  /** What grounding removed from the answer. */
  dropped: { messageIds: number; quotes: number; claims: number };
}

export interface SignalsResult {
  signals: Signal[];
  implicit: ImplicitSignals;
  ruleScore: number;
  tier: Tier;
  language: string;
  /**
   * LLM fields when an LLM extractor is configured: null when it decided the
   * rules were enough and had no earlier answer; absent with rules only.
   */
  llm?: LlmInsights | null;
  /** Internal to the extract stage (never on the topic): the call gate deferred an LLM call until the conversation settles. */
  deferLlm?: boolean;
}

export interface SignalsRecord extends SignalsResult {
  schema: 'leadwire.signals.v1';
  conversationId: string;
  snapshotVersion: number;
  contentHash: string;
  /** True when a configured extractor (the LLM) failed and only the rules ran. */
  degraded: boolean;
  extractor: { rules: string; llm: { model: string; promptVersion: string } | null };
  /** 0 for the first extraction of a snapshot; n for its nth re-extraction after the LLM was unavailable. */
  revision: number;
  /** Tier decided by the rules alone (the catalog's weights and thresholds). */
  rulesTier: Tier;
  extractedAt: number;
  /** The snapshot's customer contact (sendable type/id), for the lead events. */
  contact?: { type: string | null; id: string | null } | null;
  /** The snapshot's last customer message time: the score stage decays intent from it when evidence has no time. */
  lastCustomerMessageAt?: number | null;
  /** The snapshot's transcript, slim: the embed stage vectorises it without joining conversations.v1. */
  transcript?: SignalsTranscriptEntry[];
}

export interface SignalsTranscriptEntry {
  id: string;
  role: 'customer' | 'agent' | 'bot' | 'unknown';
  body: string;
  createdAt: number;
}
