// The answer the model must return for prompts/extract.v1.md and extract.v2.md
// (v2 changes only the tier definitions, to the tier policy). The same zod
// schema is converted to the API's JSON schema (strict structured output) and
// validates the answer, so what is asked and what is accepted cannot drift.
// It travels with the prompt: a change here is a new prompt version.
import { z } from 'zod';
import { TIERS } from '../../../records/tier.js';

export const EXTRACT_V1 = 'extract.v1';

const confidence = z.number().min(0).max(1).describe('0..1: how sure you are, from the data alone');
const messageIds = z.array(z.string()).describe('ids (m1, m2, ...) of the messages that support this field; empty when nothing supports it');

export const INTENT_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export const AUTHORITY_VALUES = ['unknown', 'decision_maker', 'influencer', 'end_user'] as const;

const textField = z.object({ value: z.string().nullable(), confidence, messageIds }).strict();
const listField = z.object({ values: z.array(z.string()), confidence, messageIds }).strict();

/** Built per catalog: the signal ids are an enum, so the model cannot invent signals. */
export function buildExtractV1Schema(signalIds: readonly string[]) {
  if (signalIds.length === 0) throw new Error('buildExtractV1Schema needs at least one catalog signal id');
  const ids = signalIds as [string, ...string[]];
  return z.object({
    intent: z.object({ level: z.enum(INTENT_LEVELS), confidence, messageIds }).strict(),
    need: textField.describe('what the customer wants to solve or buy'),
    budget: z.object({ amount: z.number().nullable(), currency: z.string().nullable(), confidence, messageIds }).strict(),
    authority: z.object({ value: z.enum(AUTHORITY_VALUES), confidence, messageIds }).strict(),
    timeline: textField.describe('when they want to buy or receive it'),
    companySize: textField.describe('employees, stores, units produced: as stated'),
    competitors: listField,
    objections: listField,
    nextStep: textField.describe('the next step the customer asked for or agreed to'),
    summary: z.string().describe('two or three sentences, neutral, no personal data'),
    tierSuggestion: z.object({ tier: z.enum(TIERS), confidence, messageIds }).strict(),
    signals: z.array(z.object({
      id: z.enum(ids),
      confidence,
      evidence: z.array(z.object({
        messageId: z.string(),
        quote: z.string().describe('an exact substring of that message text, copied verbatim'),
      }).strict()),
    }).strict()).describe('catalog signals present in customer messages, each with verbatim quotes'),
  }).strict();
}

export type ExtractV1Schema = ReturnType<typeof buildExtractV1Schema>;
export type ExtractV1Answer = z.infer<ExtractV1Schema>;

/** The JSON schema sent as response_format (strict): every property required, no extra ones. */
export function extractV1JsonSchema(schema: ExtractV1Schema): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  return json;
}
