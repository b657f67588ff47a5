import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { extractRules } from '../../../src/processors/extract/extract-rules.js';
import { memoAnalyzer, memoize, plainAnalyzer } from '../../../src/processors/extract/message-analyzer.js';
import { snapshotFromConversation } from '../../../src/eval/conversation-snapshot.js';
import type { LabelledConversation } from '../../../src/eval/labelled-conversation.js';
import { generateConversations } from '../../helpers/traffic.js';

const catalog = loadCatalog('equipment-manufacturer');

/** Every prefix of each conversation, as the extract stage sees a conversation grow snapshot by snapshot. */
function growingSnapshots(conversations: number) {
  const byConv = new Map<string, LabelledConversation>();
  for (const m of generateConversations({ conversations, seed: 11, startMs: Date.UTC(2026, 4, 1) })) {
    if (m.op !== 'upsert' || m.body === null) continue;
    let c = byConv.get(m.conversationId);
    if (!c) { c = { conversation_id: m.conversationId, label: 'low', messages: [] }; byConv.set(m.conversationId, c); }
    c.messages.push({ role: m.sender.role === 'customer' ? 'customer' : 'agent', body: m.body, created_at: m.createdAt });
  }
  const out = [];
  for (const c of byConv.values()) for (let n = 1; n <= c.messages.length; n++) out.push(snapshotFromConversation({ ...c, messages: c.messages.slice(0, n) }));
  return out;
}

describe('memoized message analysis', () => {
  it('gives the extract result of the plain analysis, snapshot by snapshot, analyzing each message once', () => {
    const snaps = growingSnapshots(25);
    expect(snaps.length).toBeGreaterThan(120);
    const plain = plainAnalyzer(catalog);
    let analyzed = 0;
    const memo = memoize((t, l) => { analyzed++; return plain(t, l); }, 10_000);
    let customerEntries = 0;
    for (const s of snaps) {
      const now = s.lastMessageAt ?? 0;
      const expected = extractRules(s, catalog, now);
      expect(extractRules(s, catalog, now, memo)).toEqual(expected);
      // Results are handed out again: a caller that changed them would corrupt the next snapshot.
      expect(extractRules(s, catalog, now, memo)).toEqual(expected);
      customerEntries += s.transcript.filter((e) => e.role === 'customer').length;
    }
    // Each snapshot is its predecessor plus one message: the memo analyzes only that one.
    expect(analyzed).toBeLessThan(customerEntries / 5);
  });

  it('analyzes a message once while it stays in the memo, and forgets the least recently used beyond its characters', () => {
    const seen: string[] = [];
    const base = plainAnalyzer(catalog);
    // Room for two keys of 'es\0' + 15 characters (18 each), not three.
    const spy = memoize((t, l) => { seen.push(`${l}:${t}`); return base(t, l); }, 40);
    spy('¿cuánto cuesta?', 'es');
    spy('¿cuánto cuesta?', 'es');
    expect(seen).toEqual(['es:¿cuánto cuesta?']);
    spy('¿cuánto cuesta?', 'en'); // another language is another analysis
    spy('necesito 3 maq.', 'es'); // evicts the least recently used: ('¿cuánto cuesta?', 'es')
    spy('¿cuánto cuesta?', 'en');
    spy('¿cuánto cuesta?', 'es');
    expect(seen).toEqual(['es:¿cuánto cuesta?', 'en:¿cuánto cuesta?', 'es:necesito 3 maq.', 'es:¿cuánto cuesta?']);
    // A text longer than the whole memo is analyzed every time, and evicts nothing.
    const long = 'x'.repeat(50);
    spy(long, 'es');
    spy(long, 'es');
    spy('¿cuánto cuesta?', 'es');
    expect(seen.slice(4)).toEqual([`es:${long}`, `es:${long}`]);
  });

  it('with 0 characters analyzes every time', () => {
    const a = memoAnalyzer(catalog, 0);
    expect(a('quiero comprar', 'es')).not.toBe(a('quiero comprar', 'es'));
    expect(a('quiero comprar', 'es')).toEqual(a('quiero comprar', 'es'));
  });
});
