// The conversation, not lines: answers count with the agent's question, a
// closing courtesy is not disinterest, a later message withdraws an earlier
// intent, hedged intent is weak, servicing context cancels an acquisition
// verb in its sentence, and qualified needs a strong intent that stands.
import { describe, expect, it } from 'vitest';
import { snapshotFromConversation } from '../../../src/eval/conversation-snapshot.js';
import type { LabelledConversation } from '../../../src/eval/labelled-conversation.js';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { loadScoringModel } from '../../../src/processors/score/scoring-model.js';
import { scoreSignals } from '../../../src/processors/score/score-signals.js';
import { signalsFromLabelled } from '../../../src/eval/labelled-signals.js';

const catalog = loadCatalog('default');
const model = loadScoringModel('active');
type M = LabelledConversation['messages'][number];
const c = (role: M['role'], body: string): M => ({ role, body });
const conv = (...messages: M[]): LabelledConversation => ({ conversation_id: '7', label: 'low', messages });

function read(...messages: M[]) {
  const rec = signalsFromLabelled(conv(...messages), catalog);
  const scored = scoreSignals(rec, model, rec.lastCustomerMessageAt ?? rec.extractedAt);
  return { ids: rec.signals.map((s) => s.id), rec, scored, tier: scored.tier };
}

describe('answers count with the question they answer', () => {
  it('"yes" to an offer to book is an accepted offer, a strong intent', () => {
    const r = read(c('customer', 'I am looking for a hotel in Boston'), c('agent', 'I found one. Would you like me to book a room?'), c('customer', 'Yes please'));
    expect(r.ids).toContain('accepts_offer');
    expect(r.tier).toBe('qualified');
    expect(r.scored.basis).toMatchObject({ rule: 'strong_intent', signal: 'accepts_offer', quote: 'Yes' });
  });

  it('a day and a time after "¿qué día le queda bien?" accept the call', () => {
    const r = read(c('customer', 'Me interesa la máquina'), c('agent', '¿Le agendo una llamada con un asesor? ¿Qué día le queda bien?'), c('customer', 'el martes'));
    expect(r.ids).toContain('accepts_offer');
    expect(r.tier).toBe('qualified');
  });

  it('the same "yes" with no offer before it is nothing', () => {
    const r = read(c('customer', 'I am looking for a hotel in Boston'), c('agent', 'Which part of town?'), c('customer', 'Yes, downtown'));
    expect(r.ids).not.toContain('accepts_offer');
    expect(r.tier).toBe('nurturing');
  });

  it('"no" to an offer is a decline, not an acquisition', () => {
    const r = read(c('customer', 'Find me a restaurant in San Jose'), c('agent', 'Would you like to reserve a table?'), c('customer', 'No, not now'));
    expect(r.ids).toContain('declines_offer');
    expect(r.tier).not.toBe('qualified');
  });
});

describe('a closing courtesy is not disinterest', () => {
  it('"no thanks, that is all" after booking keeps the lead', () => {
    const r = read(c('customer', 'I want to book a table for two at 7 pm'), c('agent', 'Done. Anything else?'), c('customer', 'No thanks, that is all'));
    expect(r.ids).not.toContain('not_interested');
    expect(r.tier).toBe('qualified');
  });

  it('"no, gracias, eso es todo" after asking a quote keeps the lead; "no me interesa" ends it', () => {
    expect(read(c('customer', 'Me pasan una cotización para 2 máquinas'), c('agent', '¿Algo más?'), c('customer', 'No, gracias, eso es todo')).tier).toBe('qualified');
    expect(read(c('customer', '¿Cuánto cuesta?'), c('agent', 'Cuesta 20 millones'), c('customer', 'No me interesa')).tier).toBe('unqualified');
  });
});

describe('withdrawal, hedges and stage', () => {
  it('a later "not buying yet" takes back an earlier booked call', () => {
    const r = read(c('customer', 'Please call me tomorrow'), c('agent', 'Sure, at 10?'), c('customer', 'Actually not yet, let me think about it'));
    expect(r.tier).toBe('nurturing');
    expect(r.scored.basis.rule).toMatch(/withdrawn|capped/);
  });

  it('an intent said again after the withdrawal stands', () => {
    const r = read(c('customer', 'Lo voy a pensar'), c('customer', 'Listo, quiero comprar la máquina'));
    expect(r.tier).toBe('qualified');
  });

  it('buying for a friend, or "if I were to buy", is weak', () => {
    const r = read(c('customer', 'Es para un amigo que quiere comprar una máquina'));
    expect(r.rec.signals.find((s) => s.id === 'ready_to_buy')?.strength).toBe('weak');
    expect(r.tier).not.toBe('qualified');
  });

  it('weak signals alone stop at nurturing however much of them adds up', () => {
    const r = read(c('customer', 'Me interesa mucho, ¿cuánto cuesta? ¿tienen garantía? ¿hacen envíos a Cali?'));
    expect(r.rec.ruleScore).toBeGreaterThanOrEqual(catalog.tiers.qualified);
    expect(r.tier).toBe('nurturing');
    expect(r.scored.basis.rule).toBe('no_strong_intent');
  });
});

describe('words with their sense', () => {
  it('servicing context cancels an acquisition verb in its sentence, and only there', () => {
    expect(read(c('customer', 'I need to order a new card, mine was stolen')).tier).not.toBe('qualified');
    expect(read(c('customer', 'I need to order a new card')).tier).toBe('qualified');
    expect(read(c('customer', 'Where is my order? It has not arrived')).tier).toBe('unqualified');
  });

  it('one servicing word elsewhere does not sink a clear purchase', () => {
    const r = read(c('customer', 'I forgot my password. Anyway, I want to buy two licenses'));
    expect(r.tier).toBe('qualified');
  });

  it('a request for a video or a spec sheet is material, not shipping or buying; customer service is not a sales call', () => {
    expect(read(c('customer', 'Me pueden enviar un video de la máquina')).tier).toBe('nurturing');
    expect(read(c('customer', 'I want to talk to customer service')).ids).not.toContain('asks_call');
    expect(read(c('customer', 'I want to talk to a salesperson')).ids).toContain('asks_call');
    expect(read(c('customer', "I'll call you back later")).ids).not.toContain('asks_call');
  });

  it('a stock quote or how much I owe is not a purchase', () => {
    expect(read(c('customer', 'what is the stock quote for apple')).tier).not.toBe('qualified');
    expect(read(c('customer', 'how much do I owe on my card')).tier).not.toBe('qualified');
  });

  it('wanting to try the product is a demo request; trying again after a failure is not', () => {
    expect(read(c('customer', 'we would like to try it out before we commit')).ids).toContain('asks_demo');
    expect(read(c('customer', 'quiero probarla antes de comprar')).ids).toContain('asks_demo');
    expect(read(c('customer', 'i want to try again later, the login failed')).ids).not.toContain('asks_demo');
  });

  it('a team of forty is a company size (fit), weighing a switch is interest: neither qualifies alone', () => {
    const fit = read(c('customer', 'we are a team of 40 people'));
    expect(fit.ids).toContain('company_size');
    expect(fit.tier).not.toBe('qualified');
    const weighing = read(c('customer', "i'm thinking of switching to your service"));
    expect(weighing.ids).toContain('interested');
    expect(weighing.tier).toBe('nurturing');
  });

  it('an irregular past (bought, paid) is a purchase already made, not intent; the present still is', () => {
    expect(read(c('customer', 'i bought a policy with you last year')).tier).not.toBe('qualified');
    expect(read(c('customer', 'we paid for two machines last week')).tier).not.toBe('qualified');
    expect(read(c('customer', 'i want to buy a policy for my car')).tier).toBe('qualified');
  });
});
