import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { createHotTriggerDetector } from '../../../src/processors/extract/hot-trigger.js';
import type { NormalizedMessage, Role } from '../../../src/records/normalized-message.js';

function msg(body: string | null, role: Role = 'customer', op: 'upsert' | 'delete' = 'upsert', lang: 'es' | 'en' = 'es'): NormalizedMessage {
  return {
    schema: 'leadwire.messages.v1', op, sourceOp: 'c', id: '1', conversationId: '9', replyId: null,
    sender: { type: null, id: null, role }, type: 'text', body, bodyUnchanged: false,
    language: { code: lang, confidence: 1, reliable: true }, pii: { emails: 0, phones: 0, cards: 0, ids: 0 },
    words: 1, chars: 1, createdAt: 0, updatedAt: null, deletedAt: null,
    source: { lsn: null, txId: null, tsMs: null, snapshot: false, table: null },
  };
}

describe('createHotTriggerDetector', () => {
  const catalog = loadCatalog('equipment-manufacturer');
  const detect = createHotTriggerDetector(catalog, ['asks_price', 'asks_quote', 'asks_visit', 'ready_to_buy']);

  it('returns the trigger ids found in a customer message', () => {
    expect(detect(msg('¿Me pasan una cotización? Quiero visitar la fábrica')).sort()).toEqual(['asks_quote', 'asks_visit']);
    expect(detect(msg('I want to buy two machines', 'customer', 'upsert', 'en'))).toEqual(['ready_to_buy']);
  });

  it('ignores signals that are not triggers', () => {
    expect(detect(msg('hacemos 2.000 panes al día'))).toEqual([]);
  });

  it('only customer messages count', () => {
    expect(detect(msg('¿Quiere una cotización?', 'agent'))).toEqual([]);
    expect(detect(msg('¿Quiere una cotización?', 'bot'))).toEqual([]);
    expect(detect(msg(null))).toEqual([]);
    expect(detect(msg('cotización', 'customer', 'delete'))).toEqual([]);
  });

  it('respects negation', () => {
    expect(detect(msg('no necesito cotización'))).toEqual([]);
  });

  it('a grammar rule triggers, and a servicing context in the same message cancels it', () => {
    const d = createHotTriggerDetector(loadCatalog('default'), ['ready_to_buy', 'asks_call']);
    expect(d(msg('llámenme mañana por favor'))).toEqual(['asks_call']);
    expect(d(msg('I need to order a new card, mine was stolen', 'customer', 'upsert', 'en'))).toEqual([]);
    expect(d(msg('I need to order a new card', 'customer', 'upsert', 'en'))).toEqual(['ready_to_buy']);
  });

  it('reports unknown trigger ids, and throws on them when strict', () => {
    const d = createHotTriggerDetector(loadCatalog('default'), ['asks_quote', 'volume']);
    expect(d.unknownTriggers).toEqual(['volume']);
    expect(() => createHotTriggerDetector(loadCatalog('default'), ['volume'], { strict: true })).toThrow(/volume/);
  });
});
