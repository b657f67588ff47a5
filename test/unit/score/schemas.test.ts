// The public event shapes: what the score and feedback stages produce must
// validate against schemas/*.json, and the schemas must reject what they forbid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { createTestDriver } from '../../../src/runtime/test-driver.js';
import { buildTopology, STAGE } from '../../../src/topology/topology.js';
import { configSchema } from '../../../src/config/schema.js';
import { feedbackRecordSchema } from '../../../src/records/feedback-record.js';
import { HOT, LUKEWARM, signals, T0 } from './fixtures.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: true });
ajv.addFormat('date-time', (s: string) => Number.isFinite(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
const load = (n: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../../../schemas/${n}.json`, import.meta.url), 'utf8')));
const scoresSchema = load('lead-scores.v1');
const eventsSchema = load('lead-events.v1');
const feedbackSchema = load('feedback.v1');
const signalsSchema = load('signals.v1');

describe('public schemas', () => {
  it('lead scores and lead events produced by the score stage validate; the signals they came from too', async () => {
    const config = configSchema.parse({ score: { sellers: ['ana'] } });
    const d = await createTestDriver(buildTopology(config).stages.find((s) => s.name === STAGE.score)!);
    const inputs = [signals('1', LUKEWARM, 1), signals('1', HOT, 2), signals('1', [...HOT, { role: 'customer', body: 'ya no me interesa' }], 3)];
    for (const [i, rec] of inputs.entries()) {
      expect(signalsSchema(rec), JSON.stringify(signalsSchema.errors)).toBe(true);
      await d.pipe({ key: '1', value: rec, timestamp: T0 + i * 60_000 });
    }
    const scores = d.values('default');
    const events = d.values('events');
    expect(scores.length).toBe(3);
    expect(events.map((e) => (e as { type: string }).type)).toEqual(['lead.nurturing', 'lead.qualified', 'lead.disqualified']);
    for (const s of scores) expect(scoresSchema(s), JSON.stringify(scoresSchema.errors)).toBe(true);
    for (const e of events) expect(eventsSchema(e), JSON.stringify(eventsSchema.errors)).toBe(true);
    expect(scoresSchema({ ...(scores[0] as object), score: 101 })).toBe(false);
    expect(eventsSchema({ ...(events[0] as object), actions: [{ type: 'call_mom' }] })).toBe(false);
  });

  it('the feedback schema and the feedback stage accept and reject the same records', () => {
    const cases: Array<[unknown, boolean]> = [
      [{ conversation_id: '12', label: 'good', actor: 'ana', at: '2026-06-01T10:00:00Z' }, true],
      [{ conversation_id: 12, label: 'won', actor: 'crm', at: 1780000000000, reason: 'signed', feedback_id: 'deal-9' }, true],
      [{ schema: 'leadwire.feedback.v1', conversation_id: '12', label: 'lost', actor: 'crm', at: 1, reason: null }, true],
      [{ conversation_id: '12', label: 'meh', actor: 'ana', at: 1 }, false],
      [{ conversation_id: '12', label: 'good', at: 1 }, false],
      [{ conversation_id: '12', label: 'good', actor: 'ana', at: 1, extra: true }, false],
      [{ conversation_id: '1 2', label: 'good', actor: 'ana', at: 1 }, false],
    ];
    for (const [rec, ok] of cases) {
      expect(feedbackSchema(rec), JSON.stringify(rec)).toBe(ok);
      expect(feedbackRecordSchema.safeParse(rec).success, JSON.stringify(rec)).toBe(ok);
    }
  });
});
