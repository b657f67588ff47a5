// The record on leadwire.conversations.v1 (JSON Schema: schemas/conversations.v1.json).
// Key: conversation_id. One snapshot per emission; versions increase by one
// per conversation and never repeat.
import type { PiiFacts, Role } from './normalized-message.js';

export interface TranscriptEntry {
  id: string;
  role: Role;
  senderType: string | null;
  senderId: string | null;
  body: string;
  language: string;
  createdAt: number;
  /** Consecutive repeats of the same customer text collapse into one entry. */
  repeat: number;
  /** Ids of the collapsed repeats (besides `id`). */
  repeatIds?: string[];
  pii: PiiFacts;
}

export type EmitReason = 'gap' | 'max_delay' | 'hot_trigger' | 'wall_clock' | 'delete' | 'flush';

export interface ConversationSnapshot {
  schema: 'leadwire.conversations.v1';
  conversationId: string;
  version: number;
  /** sha256 of the transcript content and counters that matter downstream. */
  contentHash: string;
  reason: EmitReason;
  /** Signal ids that triggered a hot emission, when reason = hot_trigger. */
  triggers: string[];
  transcript: TranscriptEntry[];
  /** Messages folded out of the transcript by the message/char budget. */
  folded: { messages: number; customer: number; agent: number; chars: number };
  counters: { customer: number; agent: number; bot: number; unknown: number; total: number };
  firstMessageAt: number;
  lastMessageAt: number;
  lastCustomerMessageAt: number | null;
  /** Agent response times in ms (customer message → next agent message). */
  responseTimesMs: number[];
  /** Language decided per conversation from the reliable messages. */
  language: { code: string; confidence: number };
  pii: PiiFacts;
  contact: { type: string | null; id: string | null } | null;
  emittedAt: number;
}
