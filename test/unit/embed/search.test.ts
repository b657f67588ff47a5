import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../../src/adapters/embedder/local-embedder.js';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';
import { pointId, type VectorPayload } from '../../../src/ports/vector-store.js';
import { bestExcerpt, searchConversations } from '../../../src/search/search-conversations.js';
import { labelledNeighbourScore } from '../../../src/search/labelled-neighbour-score.js';

const embedder = createLocalEmbedder();

async function storeWith(convs: Array<{ id: string; chunks: string[]; tier?: string; label?: 'good' | 'bad' | null }>) {
  const store = createMemoryVectorStore();
  for (const c of convs) {
    const vectors = await embedder.embed(c.chunks);
    await store.upsert(c.chunks.map((text, i) => ({
      id: pointId(c.id, i), vector: vectors[i]!,
      payload: { conversation_id: c.id, chunk: i, chunks: c.chunks.length, language: 'es', tier: c.tier ?? 'nurturing', label: c.label ?? null, first_message_at: 0, last_message_at: 1, snapshot_version: 1, content_hash: 'h', text, embedder: embedder.id } satisfies VectorPayload,
    })));
  }
  return store;
}

describe('searchConversations', () => {
  it('embeds the search text as a query (models such as E5 prefix queries and passages differently)', async () => {
    const store = await storeWith([{ id: 'quote', chunks: ['necesito cotización'] }]);
    const purposes: Array<string | undefined> = [];
    const recording = { ...embedder, embed: (texts: string[], purpose?: 'query' | 'passage') => { purposes.push(purpose); return embedder.embed(texts); } };
    await searchConversations({ embedder: recording, store }, 'cotización', { limit: 1 });
    expect(purposes).toEqual(['query']);
  });

  it('returns each conversation once, best first, with an excerpt of the matching line', async () => {
    const store = await storeWith([
      { id: 'quote', chunks: ['hola\nnecesito cotización de 50 máquinas empacadoras', 'cotización con envío a Lima'], tier: 'qualified' },
      { id: 'hours', chunks: ['a qué hora abren mañana'] },
      { id: 'video', chunks: ['quisiera un video de la máquina'] },
    ]);
    const hits = await searchConversations({ embedder, store }, 'pide cotización de 50 máquinas', { limit: 5 });
    expect(hits[0]).toMatchObject({ conversationId: 'quote', tier: 'qualified', chunk: 0, excerpt: 'necesito cotización de 50 máquinas empacadoras' });
    expect(new Set(hits.map((h) => h.conversationId)).size).toBe(hits.length);
    expect(hits.at(-1)!.conversationId).toBe('hours');
    const qualified = await searchConversations({ embedder, store }, 'máquina', { tier: 'qualified' });
    expect(qualified.map((h) => h.conversationId)).toEqual(['quote']);
  });

  it('cuts long excerpts', () => {
    expect(bestExcerpt('x'.repeat(300), 'q', 20)).toHaveLength(20);
    expect(bestExcerpt('hola\ncotizaciones por favor', 'cotización', 80)).toBe('cotizaciones por favor');
  });
});

describe('labelledNeighbourScore', () => {
  it('is positive near good leads, negative near bad ones, zero without labels', async () => {
    const store = await storeWith([
      { id: 'g1', chunks: ['quiero comprar 50 máquinas, envíen cotización'], label: 'good' },
      { id: 'g2', chunks: ['cotización para comprar máquinas industriales'], label: 'good' },
      { id: 'b1', chunks: ['busco trabajo, envío mi hoja de vida'], label: 'bad' },
      { id: 'u1', chunks: ['cotización de máquinas'] },
    ]);
    const [buyer, jobSeeker] = await embedder.embed(['necesito cotización para comprar máquinas', 'quiero enviar mi hoja de vida para trabajo']);
    const good = await labelledNeighbourScore(store, buyer!, 3);
    expect(good.score).toBeGreaterThan(0.3);
    expect(good.neighbours.map((n) => n.conversationId)).not.toContain('u1');
    const bad = await labelledNeighbourScore(store, jobSeeker!, 1);
    expect(bad).toMatchObject({ score: -1, neighbours: [{ conversationId: 'b1', label: 'bad' }] });
    const none = await labelledNeighbourScore(await storeWith([{ id: 'u', chunks: ['x'] }]), buyer!, 3);
    expect(none).toEqual({ score: 0, support: 0, neighbours: [] });
  });

  it('does not let a conversation vote for itself and counts a long conversation once', async () => {
    const store = await storeWith([
      { id: 'self', chunks: ['compra de máquinas'], label: 'bad' },
      { id: 'long', chunks: ['compra de máquinas', 'compra de máquinas ya', 'compra máquinas'], label: 'good' },
    ]);
    const [v] = await embedder.embed(['compra de máquinas']);
    const r = await labelledNeighbourScore(store, v!, 5, { excludeConversationId: 'self' });
    expect(r.neighbours.map((n) => n.conversationId)).toEqual(['long']);
    expect(r.score).toBe(1);
  });
});
