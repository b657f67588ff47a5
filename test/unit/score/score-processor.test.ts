import { describe, expect, it } from 'vitest';
import { createTestDriver, type TestDriver } from '../../../src/runtime/test-driver.js';
import { buildTopology, STAGE } from '../../../src/topology/topology.js';
import { configSchema } from '../../../src/config/schema.js';
import { loadScoringModel, validateScoringModel } from '../../../src/processors/score/scoring-model.js';
import type { LeadEventRecord, LeadScoreRecord } from '../../../src/records/lead-records.js';
import { SCORE_STORE } from '../../../src/processors/score/score-processor.js';
import type { SignalsRecord } from '../../../src/records/signals-record.js';
import { HOT, LUKEWARM, signals, SUPPORT, T0 } from './fixtures.js';

const v1 = loadScoringModel('v1');

async function driver(overrides: Record<string, unknown> = {}, restore?: NonNullable<Parameters<typeof createTestDriver>[1]>['restore']): Promise<TestDriver> {
  const config = configSchema.parse({ score: { sellers: ['ana', 'bruno'], assignmentRules: [{ language: 'en', sellers: ['eve'] }], ...overrides } });
  const spec = buildTopology(config, { scoringModel: v1 }).stages.find((s) => s.name === STAGE.score)!;
  return createTestDriver(spec, restore ? { restore } : {});
}

const pipe = (d: TestDriver, rec: SignalsRecord, at = T0 + 120_000) => d.pipe({ key: rec.conversationId, value: rec, timestamp: at });
const scores = (d: TestDriver) => d.values<LeadScoreRecord>('default');
const events = (d: TestDriver) => d.values<LeadEventRecord>('events');

describe('score processor', () => {
  it('emits a lead score and a qualified event with alert and assignment, CloudEvents headers, deterministic ids', async () => {
    const d = await driver();
    await pipe(d, signals('100', HOT));
    const [s] = scores(d);
    expect(s!.tier).toBe('qualified');
    expect(s!.versions).toEqual({ scoring: 'v1', catalog: expect.stringContaining('default@'), prompt: null, model: null });
    expect(s!.contact).toEqual({ type: 'App\\Models\\Customer', id: '1' });
    const [e] = events(d);
    expect(e!.type).toBe('lead.qualified');
    expect(e!.fromTier).toBeNull();
    expect(e!.actions).toEqual([{ type: 'alert', severity: 'high' }, { type: 'assign', seller: 'ana', rule: 'round_robin' }]);
    expect(e!.reasons.positive[0]!.quote).toBeTruthy();
    const h = d.outputs.find((o) => o.output === 'default')!.record.headers!;
    expect(h).toMatchObject({ ce_specversion: '1.0', ce_id: s!.eventId, ce_type: 'dev.leadwire.lead-score.v1', ce_source: '/leadwire/score', ce_subject: '100' });
    expect(new Date(h.ce_time!).getTime()).toBe(T0 + 120_000);
    const eh = d.outputs.find((o) => o.output === 'events')!.record.headers!;
    expect(eh.ce_type).toBe('dev.leadwire.lead.qualified.v1');
    expect(eh.ce_id).toBe(e!.eventId);
    expect(e!.eventId).not.toBe(s!.eventId);

    const d2 = await driver();
    await pipe(d2, signals('100', HOT));
    expect(scores(d2)[0]!.eventId).toBe(s!.eventId);
  });

  it('emits only material changes; repeats and older snapshots are dropped', async () => {
    const d = await driver();
    await pipe(d, signals('200', HOT, 1));
    await pipe(d, signals('200', HOT, 1)); // repeat
    await pipe(d, signals('200', [...HOT, { role: 'agent', body: 'Perfecto, le llamamos' }], 2)); // same score
    expect(scores(d)).toHaveLength(1);
    await pipe(d, signals('200', [...HOT, { role: 'customer', body: 'Ya no me interesa, gracias' }], 3)); // drops
    expect(scores(d)).toHaveLength(2);
    expect(scores(d)[1]!.tier).not.toBe('qualified');
    await pipe(d, signals('200', HOT, 2)); // older snapshot arriving late
    expect(scores(d)).toHaveLength(2);
    const st = d.changelog.filter((c) => c.store === SCORE_STORE && c.key === '200').at(-1)!.value as { history: Array<{ snapshotVersion: number; emitted: boolean }> };
    expect(st.history.map((h) => [h.snapshotVersion, h.emitted])).toEqual([[1, true], [2, false], [3, true]]);
  });

  it('the score delta decides materiality', async () => {
    const a = await driver({ materialDelta: 0 });
    const b = await driver({ materialDelta: 100 });
    for (const d of [a, b]) {
      await pipe(d, signals('300', LUKEWARM, 1));
      await pipe(d, signals('300', [...LUKEWARM, { role: 'customer', body: 'me interesa' }], 2));
    }
    const sa = scores(a).map((s) => s.score);
    expect(sa).toHaveLength(2);
    expect(sa[1]).not.toBe(sa[0]);
    expect(scores(b).length).toBe(scores(a).length - (scores(a)[1]!.tier === scores(a)[0]!.tier ? 1 : 0));
  });

  it('never alerts twice for the same conversation and tier, even across a restart from the changelog', async () => {
    const d = await driver();
    await pipe(d, signals('400', HOT, 1));
    await pipe(d, signals('400', [...HOT, { role: 'customer', body: 'No me interesa, es muy caro' }], 2));
    const restore = d.changelog.map((c) => ({ store: c.store, key: c.key, value: c.value }));
    const d2 = await driver({}, restore);
    await pipe(d2, signals('400', [...HOT, { role: 'customer', body: 'Bueno sí, quiero comprar ya, envíen la cotización' }], 3));
    const evs = [...events(d), ...events(d2)];
    expect(evs.map((e) => e.toTier)).toEqual(['qualified', evs[1]!.toTier, 'qualified']);
    expect(evs[1]!.toTier).not.toBe('qualified');
    expect(evs.filter((e) => e.actions.some((a) => a.type === 'alert'))).toHaveLength(1);
    expect(evs[2]!.suppressed).toEqual(['alert']);
    expect(evs[2]!.seller).toBe('ana');
  });

  it('nurturing gets a follow-up task; assignment by language rule, round-robin otherwise', async () => {
    const d = await driver({ followUpDelayMs: 1000 });
    await pipe(d, signals('500', LUKEWARM), T0);
    await pipe(d, signals('501', [{ role: 'customer', body: 'I want a quote for 20 machines, please call me' }]), T0);
    await pipe(d, signals('502', HOT), T0);
    await pipe(d, signals('503', HOT), T0);
    const [e0, e1, e2, e3] = events(d);
    expect(e0!.type).toBe('lead.nurturing');
    expect(e0!.actions).toContainEqual({ type: 'follow_up_task', dueAt: T0 + 1000 });
    expect(e1!.seller).toBe('eve');
    expect(e1!.actions).toContainEqual({ type: 'assign', seller: 'eve', rule: 'language:en' });
    expect([e0!.seller, e2!.seller, e3!.seller]).toEqual(['ana', 'bruno', 'ana']);
  });

  it('an unqualified first score goes to lead scores only; invalid records go to the DLQ', async () => {
    const d = await driver();
    await pipe(d, signals('600', SUPPORT));
    expect(scores(d)).toHaveLength(1);
    expect(events(d)).toHaveLength(0);
    await d.pipe({ key: 'x', value: { nope: true } });
    expect(d.deadLetters.map((l) => l.reason)).toEqual(['invalid_signals']);
  });

  it('a new scoring version re-scores the same snapshot under a new event id; shadow rides along', async () => {
    const d = await driver();
    const rec = signals('700', HOT);
    await pipe(d, rec);
    const restore = d.changelog.map((c) => ({ store: c.store, key: c.key, value: c.value }));
    const v2 = validateScoringModel({ ...v1, version: 'v2', thresholds: { qualified: 100, nurturing: 25 }, hysteresis: { qualified: 0, nurturing: 0 } });
    const config = configSchema.parse({});
    const spec = buildTopology(config, { scoringModel: v2, shadowScoringModel: v1 }).stages.find((s) => s.name === STAGE.score)!;
    const d2 = await createTestDriver(spec, { restore });
    await pipe(d2, rec);
    const [s2] = scores(d2);
    expect(s2!.versions.scoring).toBe('v2');
    expect(s2!.eventId).not.toBe(scores(d)[0]!.eventId);
    expect(s2!.tier).toBe('nurturing');
    expect(s2!.shadow).toMatchObject({ scoringVersion: 'v1', tier: 'qualified' });
    expect(events(d2).map((e) => [e.fromTier, e.toTier])).toEqual([['qualified', 'nurturing']]);
  });
});
