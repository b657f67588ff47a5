// A scoring feature: how much a conversation looks like conversations that
// feedback confirmed as good or bad leads. The k most similar labelled
// conversations vote +1 (good) or −1 (bad), each weighted by its similarity,
// so a near-copy of a won lead counts more than a loose resemblance.
import type { LeadLabel, VectorStore } from '../ports/vector-store.js';

export interface LabelledNeighbour {
  conversationId: string;
  label: LeadLabel;
  similarity: number;
}

export interface LabelledNeighbourScore {
  /** −1 (like known bad leads) .. +1 (like known good leads); 0 with no labelled neighbour. */
  score: number;
  /** Sum of the weights behind the score: how much evidence there is (0 = none). */
  support: number;
  neighbours: LabelledNeighbour[];
}

export interface LabelledNeighbourOptions {
  /** The conversation being scored: its own label must not vote for itself. */
  excludeConversationId?: string;
  /** Neighbours below this similarity do not vote. */
  minSimilarity?: number;
}

export async function labelledNeighbourScore(store: VectorStore, vector: number[], k: number, opts: LabelledNeighbourOptions = {}): Promise<LabelledNeighbourScore> {
  const minSimilarity = opts.minSimilarity ?? 0;
  if (k <= 0) return { score: 0, support: 0, neighbours: [] };
  // Chunks, not conversations: over-fetch and keep each conversation's best chunk, so a long one votes once.
  const points = await store.search(vector, {
    limit: k * 4,
    filter: { label: ['good', 'bad'], ...(opts.excludeConversationId !== undefined ? { excludeConversationId: opts.excludeConversationId } : {}) },
  });
  const best = new Map<string, LabelledNeighbour>();
  for (const p of points) {
    const label = p.payload.label;
    if (label !== 'good' && label !== 'bad') continue;
    const cid = p.payload.conversation_id;
    const seen = best.get(cid);
    if (!seen || p.score > seen.similarity) best.set(cid, { conversationId: cid, label, similarity: p.score });
  }
  const neighbours = [...best.values()].filter((n) => n.similarity > minSimilarity).sort((a, b) => b.similarity - a.similarity).slice(0, k);
  let num = 0;
  let den = 0;
  for (const n of neighbours) {
    num += n.similarity * (n.label === 'good' ? 1 : -1);
    den += n.similarity;
  }
  return { score: den > 0 ? num / den : 0, support: den, neighbours };
}
