import { describe, expect, it } from 'vitest';
import { decideLlmCall, isSubstantive, type GateConfig } from '../../../src/policies/llm-gate.js';
import { rulesOf, snapshotOf, type Msg } from './harness.js';

const cfg: GateConfig = { enabled: true, nearThresholdMargin: 1, minNewMessages: 4 };
const thresholds = { qualified: 3, nurturing: 1 };

function decide(msgs: Msg[], previous?: Parameters<typeof decideLlmCall>[0]['previous'], over: Partial<Parameters<typeof decideLlmCall>[0]> = {}) {
  const snapshot = snapshotOf('7', msgs);
  return decideLlmCall({ snapshot, rules: rulesOf(snapshot), thresholds, previous, ...over }, cfg);
}

describe('isSubstantive', () => {
  it('greetings, thanks, acks and emoji are not; numbers and content words are', () => {
    for (const t of ['Hola', 'ok', 'Gracias!!', '👍', 'Buenas tardes', 'ok gracias', 'Thanks', '[phone]', 'si', 'jajaja']) expect(isSubstantive(t), t).toBe(false);
    for (const t of ['El precio', '500', 'Colombia', 'Quisiera un video', 'Price?', 'Bogotá']) expect(isSubstantive(t), t).toBe(true);
  });
});

describe('decideLlmCall', () => {
  it('skips a conversation with no substantive customer text', () => {
    expect(decide([{ role: 'customer', body: 'Hola' }, { role: 'agent', body: 'Hola, ¿en qué le ayudo?' }])).toMatchObject({ call: false, reason: 'no_customer_text' });
  });

  it('skips when the last call already saw every substantive customer message', () => {
    const first = decide([{ role: 'customer', body: 'Quiero una cotización de 500 unidades' }]);
    expect(first.call).toBe(true);
    const again = decide([{ role: 'customer', body: 'Quiero una cotización de 500 unidades' }, { role: 'customer', body: 'gracias' }],
      { coveredCustomerIds: first.substantiveIds, rulesSignalIds: [], tier: 'qualified' });
    expect(again).toMatchObject({ call: false, reason: 'no_new_content' });
  });

  it('calls on a hot trigger with new content', () => {
    const s = snapshotOf('7', [{ role: 'customer', body: 'El precio' }]);
    const d = decideLlmCall({ snapshot: { ...s, reason: 'hot_trigger' }, rules: rulesOf(s), thresholds, previous: undefined }, cfg);
    expect(d).toMatchObject({ call: true, reason: 'hot_trigger' });
  });

  it('calls when the rules say qualified, or the score is near the threshold', () => {
    expect(decide([{ role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' }])).toMatchObject({ call: true, reason: 'qualified' });
    const near = decide([{ role: 'customer', body: 'Quiero agendar una llamada' }], undefined, {
      rules: { signals: [{ id: 'asks_call' }], ruleScore: 2.2, tier: 'nurturing' },
    });
    expect(near).toMatchObject({ call: true, reason: 'near_threshold' });
  });

  it('calls when rules signals moved in an interested conversation, not in an unqualified one', () => {
    const rules = { signals: [{ id: 'asks_price' }], ruleScore: 1.5, tier: 'nurturing' as const };
    const prev = { coveredCustomerIds: [], rulesSignalIds: [], tier: 'nurturing' as const };
    expect(decide([{ role: 'customer', body: 'Cuánto cuesta' }], prev, { rules })).toMatchObject({ call: true, reason: 'signals_moved' });
    const cold = { signals: [{ id: 'order_status' }], ruleScore: -1, tier: 'unqualified' as const };
    expect(decide([{ role: 'customer', body: 'dónde está mi pedido' }], prev, { rules: cold })).toMatchObject({ call: false, reason: 'rules_enough' });
  });

  it('calls once enough new substantive text piled up', () => {
    const rules = { signals: [], ruleScore: 0, tier: 'unqualified' as const };
    const msgs: Msg[] = ['Colombia', 'Bogotá', 'tienen envíos', 'color negro'].map((body) => ({ role: 'customer', body }));
    expect(decide(msgs.slice(0, 3), undefined, { rules })).toMatchObject({ call: false, reason: 'rules_enough' });
    expect(decide(msgs, undefined, { rules })).toMatchObject({ call: true, reason: 'accumulated' });
  });

  it('a forced call (re-extraction) always calls; the disabled gate calls on any new text', () => {
    expect(decide([{ role: 'customer', body: 'Hola' }], undefined, { force: true })).toMatchObject({ call: true, reason: 'forced' });
    const snapshot = snapshotOf('7', [{ role: 'customer', body: 'Colombia' }]);
    expect(decideLlmCall({ snapshot, rules: rulesOf(snapshot), thresholds, previous: undefined }, { ...cfg, enabled: false }).call).toBe(true);
  });
});
