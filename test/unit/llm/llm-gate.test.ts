import { describe, expect, it } from 'vitest';
import { decideLlmCall, isSubstantive, substantiveCustomerIds, type GateConfig } from '../../../src/processors/extract/llm/llm-gate.js';
import { rulesOf, snapshotOf, type Msg } from './harness.js';

const cfg: GateConfig = { enabled: true, nearThresholdMargin: 1, minNewMessages: 4 };
const thresholds = { qualified: 3, nurturing: 1 };

function decide(msgs: Msg[], previous?: Parameters<typeof decideLlmCall>[0]['previous'], over: Partial<Parameters<typeof decideLlmCall>[0]> = {}) {
  const snapshot = snapshotOf('7', msgs);
  return decideLlmCall({ snapshot, rules: rulesOf(snapshot), thresholds, previous, ...over }, cfg);
}

describe('isSubstantive', () => {
  it('greetings, thanks, acks, emoji and a lone word are not; numbers and two content words are', () => {
    for (const t of ['Hola', 'ok', 'Gracias!!', '👍', 'Buenas tardes', 'ok gracias', 'Thanks', '[phone]', 'si', 'jajaja', 'Colombia', 'El precio']) expect(isSubstantive(t), t).toBe(false);
    for (const t of ['500', 'Quisiera un video', 'Hacen envíos a Colombia?', 'precio por mayor', 'Necesito 200 piezas']) expect(isSubstantive(t), t).toBe(true);
  });

  it('a message a rules signal fired on is substantive whatever its length', () => {
    const s = snapshotOf('7', [{ role: 'customer', body: 'El precio' }, { role: 'customer', body: 'Colombia' }]);
    expect(substantiveCustomerIds(s, rulesOf(s))).toEqual([s.transcript[0]!.id]);
  });
});

const hotSnapshot = (msgs: Msg[], triggers: string[]) => ({ ...snapshotOf('7', msgs), reason: 'hot_trigger' as const, triggers });

describe('decideLlmCall', () => {
  it('skips a conversation with no substantive customer text', () => {
    expect(decide([{ role: 'customer', body: 'Hola' }, { role: 'agent', body: 'Hola, ¿en qué le ayudo?' }])).toMatchObject({ call: false, defer: false, reason: 'no_customer_text' });
  });

  it('skips when the last call already saw every substantive customer message', () => {
    const first = decide([{ role: 'customer', body: 'Quiero una cotización de 500 unidades' }], undefined, { force: true });
    expect(first.call).toBe(true);
    const again = decide([{ role: 'customer', body: 'Quiero una cotización de 500 unidades' }, { role: 'customer', body: 'gracias' }],
      { coveredCustomerIds: first.substantiveIds, rulesSignalIds: [], tier: 'qualified' });
    expect(again).toMatchObject({ call: false, defer: false, reason: 'no_new_content' });
  });

  it('calls at once on a hot trigger that turns the lead qualified', () => {
    const s = hotSnapshot([{ role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' }], ['asks_quote']);
    expect(decideLlmCall({ snapshot: s, rules: rulesOf(s), thresholds, previous: undefined }, cfg)).toMatchObject({ call: true, reason: 'hot_trigger' });
  });

  it('defers a hot trigger that repeats a known trigger, is lukewarm, or hits a lead the LLM already saw qualified', () => {
    const msgs: Msg[] = [{ role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' }, { role: 'customer', body: 'me pasa la cotización porfa' }];
    const s = hotSnapshot(msgs, ['asks_quote']);
    const seen = { coveredCustomerIds: [s.transcript[0]!.id], rulesSignalIds: ['asks_quote'], tier: 'nurturing' as const };
    expect(decideLlmCall({ snapshot: s, rules: rulesOf(s), thresholds, previous: seen }, cfg)).toMatchObject({ call: false, defer: true, reason: 'hot_trigger' });
    const lukewarm = hotSnapshot([{ role: 'customer', body: 'Cuánto cuesta el envío' }], ['asks_price']);
    expect(decideLlmCall({ snapshot: lukewarm, rules: rulesOf(lukewarm), thresholds, previous: undefined }, cfg)).toMatchObject({ call: false, defer: true });
    const s2 = hotSnapshot(msgs, ['asks_demo']);
    const hotAlready = { ...seen, tier: 'qualified' as const };
    expect(decideLlmCall({ snapshot: s2, rules: rulesOf(s2), thresholds, previous: hotAlready }, cfg)).toMatchObject({ call: false, defer: true });
  });

  it('defers (until the conversation settles) when the rules say qualified or the score is near the threshold', () => {
    expect(decide([{ role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' }])).toMatchObject({ call: false, defer: true, reason: 'qualified' });
    const near = decide([{ role: 'customer', body: 'Quiero agendar una llamada' }], undefined, {
      rules: { signals: [{ id: 'asks_call' }], ruleScore: 2.2, tier: 'nurturing' },
    });
    expect(near).toMatchObject({ call: false, defer: true, reason: 'near_threshold' });
  });

  it('defers a call where the rules are least sure: weak signals add up to qualified but the tier policy held the lead', () => {
    const held = decide([{ role: 'customer', body: 'Me interesa, cuánto cuesta y tienen garantía?' }], undefined, {
      rules: { signals: [{ id: 'interested' }, { id: 'asks_price' }], ruleScore: 3.5, tier: 'nurturing' },
    });
    expect(held).toMatchObject({ call: false, defer: true, reason: 'held_back' });
  });

  it('the settle timer calls when anything substantive is new, and only then', () => {
    const msgs: Msg[] = [{ role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' }];
    expect(decide(msgs, undefined, { settle: true })).toMatchObject({ call: true, reason: 'settled' });
    const s = snapshotOf('7', msgs);
    expect(decide(msgs, { coveredCustomerIds: [s.transcript[0]!.id], rulesSignalIds: [], tier: 'qualified' }, { settle: true })).toMatchObject({ call: false, reason: 'no_new_content' });
  });

  it('new signals defer a first read of an interested conversation; an unqualified one is left to the rules', () => {
    const rules = { signals: [{ id: 'asks_price' }], ruleScore: 1.5, tier: 'nurturing' as const };
    expect(decide([{ role: 'customer', body: 'Cuánto cuesta el envío' }], undefined, { rules })).toMatchObject({ call: false, defer: true, reason: 'signals_moved' });
    const cold = { signals: [{ id: 'order_status' }], ruleScore: -1, tier: 'unqualified' as const };
    expect(decide([{ role: 'customer', body: 'dónde está mi pedido' }], undefined, { rules: cold })).toMatchObject({ call: false, defer: false, reason: 'rules_enough' });
  });

  it('enough new substantive text defers a call', () => {
    const rules = { signals: [], ruleScore: 0, tier: 'unqualified' as const };
    const msgs: Msg[] = ['Somos de Bogotá', 'tienen envíos nacionales', 'color negro disponible', 'somos distribuidores grandes'].map((body) => ({ role: 'customer', body }));
    expect(decide(msgs.slice(0, 3), undefined, { rules })).toMatchObject({ call: false, defer: false, reason: 'rules_enough' });
    expect(decide(msgs, undefined, { rules })).toMatchObject({ call: false, defer: true, reason: 'accumulated' });
  });

  it('a forced call (re-extraction) always calls; the disabled gate calls on any new text', () => {
    expect(decide([{ role: 'customer', body: 'Hola' }], undefined, { force: true })).toMatchObject({ call: true, reason: 'forced' });
    const snapshot = snapshotOf('7', [{ role: 'customer', body: 'Hacen envíos a Colombia?' }]);
    expect(decideLlmCall({ snapshot, rules: rulesOf(snapshot), thresholds, previous: undefined }, { ...cfg, enabled: false }).call).toBe(true);
  });
});
