// JSON Schemas of the API: fastify validates requests with them, serialises
// responses through them (a field not listed here never leaves the server),
// and @fastify/swagger turns them into the OpenAPI document at /openapi.json.
import { FEEDBACK_LABELS } from '../records/feedback-record.js';
import { TIERS } from '../records/tier.js';

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const nullable = <T extends object>(s: T) => ({ ...s, nullable: true });
const tier = { type: 'string', enum: [...TIERS] } as const;
const conversationId = { type: 'string', pattern: '^[0-9]{1,20}$', description: 'wire_conversations.id (a decimal bigint, as a string)' } as const;

export const error = {
  type: 'object',
  properties: { error: str, message: str },
  required: ['error', 'message'],
} as const;

export const health = { type: 'object', properties: { status: str } } as const;

export const readiness = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: { type: 'array', items: { type: 'object', properties: { name: str, ok: { type: 'boolean' }, detail: str, ms: int } } },
  },
} as const;

const reason = {
  type: 'object',
  description: 'A contribution to the score, with the customer message that supports it (redacted)',
  properties: { signal: str, kind: str, points: num, messageId: nullable(str), quote: nullable(str) },
} as const;

const versions = {
  type: 'object',
  properties: { scoring: str, catalog: str, prompt: nullable(str), model: nullable(str) },
} as const;

const contact = nullable({ type: 'object', properties: { type: nullable(str), id: nullable(str) } });

const summaryProps = {
  conversationId: str,
  tier,
  previousTier: nullable(tier),
  score: num,
  probability: num,
  trend: { type: 'string', enum: ['new', 'up', 'down', 'flat'] },
  delta: num,
  topReasons: { type: 'array', items: reason },
  language: str,
  segment: nullable(str),
  contact,
  seller: nullable(str),
  degraded: { type: 'boolean' },
  label: nullable({ type: 'string', enum: [...FEEDBACK_LABELS] }),
  snapshotVersion: int,
  updatedAt: { type: 'integer', description: 'Event time of the latest score, epoch ms' },
  lastCustomerMessageAt: nullable(int),
  versions,
} as const;

export const leadSummary = { type: 'object', properties: summaryProps } as const;

export const leadPage = {
  type: 'object',
  properties: {
    leads: { type: 'array', items: leadSummary },
    nextCursor: nullable({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page' }),
    total: { type: 'integer', description: 'Leads matching the filters' },
  },
} as const;

const feedbackView = { type: 'object', properties: { eventId: str, label: { type: 'string', enum: [...FEEDBACK_LABELS] }, reason: nullable(str), actor: str, at: int } } as const;

export const leadDetail = {
  type: 'object',
  properties: {
    ...summaryProps,
    history: { type: 'array', items: { type: 'object', properties: { at: int, score: num, probability: num, tier, snapshotVersion: int, scoringVersion: str, eventId: str } } },
    reasons: { type: 'object', properties: { positive: { type: 'array', items: reason }, negative: { type: 'array', items: reason } } },
    signals: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: str, category: str, weight: num, confidence: num, value: num, source: str,
          evidence: { type: 'array', items: { type: 'object', properties: { messageId: str, quote: str } } },
        },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: str, type: str, at: int, fromTier: nullable(tier), toTier: tier, seller: nullable(str),
          actions: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { type: str } } },
        },
      },
    },
    transcript: { type: 'array', description: 'The last messages, redacted and shortened', items: { type: 'object', properties: { id: str, role: str, at: int, text: str } } },
    transcriptOmitted: int,
    feedback: { type: 'array', items: feedbackView },
  },
} as const;

export const leadsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tier: { type: 'string', description: `One or more of ${TIERS.join(', ')}, comma-separated` },
    language: { type: 'string', description: 'Language codes, comma-separated (es,en)' },
    since: { type: 'string', description: 'Leads scored at or after this time: ISO 8601 or epoch ms' },
    sort: { type: 'string', enum: ['recent', 'score'], default: 'recent' },
    limit: { type: 'string', pattern: '^[0-9]+$', description: '1–200, default 50' },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;

export const idParams = { type: 'object', properties: { id: conversationId }, required: ['id'] } as const;

export const searchQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', maxLength: 500, description: 'What the conversation is about, in any language' },
    tier: { type: 'string' },
    language: { type: 'string' },
    limit: { type: 'string', pattern: '^[0-9]+$', description: '1–50, default 10' },
  },
} as const;

export const searchResult = {
  type: 'object',
  properties: {
    query: str,
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          conversationId: str, similarity: num, excerpt: str, tier: str, score: nullable(num), language: str,
          label: nullable(str), lastMessageAt: int,
        },
      },
    },
  },
} as const;

export const feedbackBody = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId', 'label'],
  properties: {
    conversationId,
    label: { type: 'string', enum: [...FEEDBACK_LABELS] },
    reason: { type: 'string', maxLength: 500 },
    actor: { type: 'string', maxLength: 200, description: 'Who labels: a user id or a system name (default anonymous)' },
  },
} as const;

export const feedbackAccepted = {
  type: 'object',
  properties: {
    status: str,
    feedback: {
      type: 'object',
      description: 'The record published on leadwire.feedback.v1 (schemas/feedback.v1.json)',
      properties: { schema: str, feedback_id: str, conversation_id: str, label: str, reason: nullable(str), actor: str, at: int },
    },
  },
} as const;
