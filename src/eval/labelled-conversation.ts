// The eval input format: one JSON object per line.
// {conversation_id, label: high|medium|low, messages: [{role, body, created_at}]}
import { z } from 'zod';
import { configError } from '../core/errors.js';

export const EVAL_LABELS = ['high', 'medium', 'low'] as const;
export type EvalLabel = (typeof EVAL_LABELS)[number];

export const labelledConversationSchema = z.object({
  conversation_id: z.union([z.string(), z.number()]).transform(String),
  label: z.enum(EVAL_LABELS),
  messages: z.array(z.object({
    id: z.union([z.string(), z.number()]).transform(String).optional(),
    role: z.enum(['customer', 'agent', 'bot', 'unknown']),
    body: z.string(),
    /** ISO date or epoch ms; missing times are spaced a few seconds apart. */
    created_at: z.union([z.string(), z.number()]).optional(),
  })).min(1),
});

export type LabelledConversation = z.infer<typeof labelledConversationSchema>;

/** Parses the eval format; a bad line is a configuration error naming the file, line and field. */
export function parseEvalJsonl(text: string, source = 'input'): LabelledConversation[] {
  return text.split('\n').map((l, i) => [l, i + 1] as const).filter(([l]) => l.trim()).map(([l, n]) => {
    let json: unknown;
    try { json = JSON.parse(l); } catch (err) { throw configError(`${source}:${n}: not JSON (${(err as Error).message})`); }
    const r = labelledConversationSchema.safeParse(json);
    if (!r.success) throw configError(`${source}:${n}: ${r.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
    return r.data;
  });
}
