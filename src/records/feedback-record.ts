// The record on leadwire.feedback.v1 (JSON Schema: schemas/feedback.v1.json):
// what a person or a CRM says about a lead. Field names are snake_case because
// other systems write this topic.
import { z } from 'zod';
import { uuidV5 } from '../core/uuid-v5.js';
import { LEADWIRE_NAMESPACE } from './event-id.js';

/** What people and CRMs say about a lead: the one list the topic, the API and the analytics store use. */
export const FEEDBACK_LABELS = ['good', 'bad', 'won', 'lost'] as const;
export type FeedbackLabel = (typeof FEEDBACK_LABELS)[number];

const time = z.union([
  z.number().int().nonnegative(),
  z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 date-time').transform((s) => Date.parse(s)),
]);

export const feedbackRecordSchema = z.object({
  schema: z.literal('leadwire.feedback.v1').optional(),
  /** Optional id from the sender; else one is derived from the content, so a resend is a duplicate. */
  feedback_id: z.string().min(1).max(200).optional(),
  conversation_id: z.union([z.string().regex(/^\S+$/).min(1).max(100), z.number().int().nonnegative()]).transform(String),
  label: z.enum(FEEDBACK_LABELS),
  reason: z.string().max(2000).nullable().optional(),
  actor: z.string().min(1).max(200),
  at: time,
}).strict();

export type FeedbackInput = z.input<typeof feedbackRecordSchema>;
export type FeedbackRecord = z.output<typeof feedbackRecordSchema>;

/** Stable id of a feedback: the sender's id when given, else UUID v5 of its content. */
export function feedbackId(f: FeedbackRecord): string {
  return uuidV5(f.feedback_id ? `feedback-id:${f.feedback_id}` : `feedback:${f.conversation_id}:${f.label}:${f.actor}:${f.at}`, LEADWIRE_NAMESPACE);
}

/** good / won are positive judgements of a lead; bad / lost negative. */
export const isPositive = (label: FeedbackRecord['label']) => label === 'good' || label === 'won';
