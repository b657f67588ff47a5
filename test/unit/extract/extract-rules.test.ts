import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { extractRules } from '../../../src/processors/extract/extract-rules.js';
import { snapshotFromConversation } from '../../../src/eval/conversation-snapshot.js';
import type { LabelledConversation } from '../../../src/eval/labelled-conversation.js';

const equipment = loadCatalog('equipment-manufacturer');
const def = loadCatalog('default');

const conv = (messages: LabelledConversation['messages']): LabelledConversation => ({ conversation_id: '42', label: 'low', messages });

describe('extractRules', () => {
  const snapshot = snapshotFromConversation(conv([
    { role: 'customer', body: 'Hola, buenas tardes', created_at: 0 },
    { role: 'agent', body: 'Hola! ¿En qué le ayudo? ¿Quiere una cotización?', created_at: 30_000 },
    { role: 'customer', body: 'Tenemos una panadería y hacemos 1.200 panes al día, todo a mano', created_at: 60_000 },
    { role: 'customer', body: '¿Cuánto cuesta la máquina? Necesito una COTIZACIÓN y quisiera visitar la fábrica', created_at: 90_000 },
    { role: 'agent', body: 'Claro, le envío la cotización', created_at: 150_000 },
  ]));
  const res = extractRules(snapshot, equipment, 200_000);

  it('finds the signals with evidence that quotes the message exactly', () => {
    const ids = res.signals.map((s) => s.id);
    for (const id of ['asks_quote', 'asks_price', 'asks_visit', 'volume', 'current_operation', 'already_produces']) expect(ids, id).toContain(id);
    const byId = new Map(snapshot.transcript.map((e) => [e.id, e.body]));
    for (const s of res.signals) {
      expect(s.evidence.length).toBeGreaterThan(0);
      for (const ev of s.evidence) {
        const body = byId.get(ev.messageId)!;
        expect(body.includes(ev.quote), `${s.id}: ${ev.quote}`).toBe(true);
      }
    }
    expect(res.signals.find((s) => s.id === 'volume')!.value).toBe(1200);
    expect(res.signals.find((s) => s.id === 'asks_quote')!.evidence[0]!.quote).toBe('COTIZACIÓN');
  });

  it('ignores what agents say', () => {
    const agentOnly = snapshotFromConversation(conv([
      { role: 'customer', body: 'hola', created_at: 0 },
      { role: 'agent', body: '¿Quiere una cotización o una demo? Lo llamamos', created_at: 1000 },
    ]));
    expect(extractRules(agentOnly, def, 2000).signals).toEqual([]);
  });

  it('scores by catalog weights and decides the tier', () => {
    const sum = res.signals.reduce((a, s) => a + s.weight, 0);
    expect(res.ruleScore).toBeCloseTo(sum, 3);
    expect(res.tier).toBe('qualified');
    const support = snapshotFromConversation(conv([{ role: 'customer', body: 'Where is my order? It has not arrived yet' }]));
    const r = extractRules(support, def, 0);
    expect(r.signals.map((s) => s.id)).toContain('order_status');
    expect(r.tier).toBe('unqualified');
  });

  it('computes implicit signals from the snapshot and the given clock', () => {
    expect(res.implicit.customerMessages).toBe(3);
    expect(res.implicit.agentMessages).toBe(2);
    expect(res.implicit.agentResponseMedianMs).toBe(60_000);
    expect(res.implicit.recencyMs).toBe(110_000);
    expect(res.implicit.sentiment.messages).toHaveLength(3);
  });

  it('is deterministic', () => {
    expect(extractRules(snapshot, equipment, 200_000)).toEqual(res);
  });
});
