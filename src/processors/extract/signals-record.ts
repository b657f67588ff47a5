// The record on leadwire.signals.v1 (JSON Schema: schemas/signals.v1.json).
// Key: conversation_id. One record per conversation snapshot.
import type { SignalCategory, Tier } from './catalog.js';
import type { SentimentLabel } from './sentiment.js';

export interface Evidence {
  messageId: string;
  /** Exact substring of the message body. */
  quote: string;
}

export interface Signal {
  id: string;
  category: SignalCategory;
  weight: number;
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

export interface SignalsResult {
  signals: Signal[];
  implicit: ImplicitSignals;
  ruleScore: number;
  tier: Tier;
  language: string;
}

export interface SignalsRecord extends SignalsResult {
  schema: 'leadwire.signals.v1';
  conversationId: string;
  snapshotVersion: number;
  contentHash: string;
  /** True when a configured extractor (the LLM) failed and only the rules ran. */
  degraded: boolean;
  extractor: { rules: string; llm: { model: string; promptVersion: string } | null };
  /** Tier decided by the rules alone (the catalog's weights and thresholds). */
  rulesTier: Tier;
  extractedAt: number;
}
