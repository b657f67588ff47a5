// Semantic search over conversations: one function for the CLI and the HTTP
// API. Points are chunks; hits are grouped so each conversation appears once,
// with its best chunk's score and the line of that chunk closest to the query.
import type { Embedder } from '../ports/embedder.js';
import { foldForEmbedding } from '../adapters/embedder/local-embedder.js';
import type { LeadLabel, VectorFilter, VectorStore } from '../ports/vector-store.js';

export interface SearchOptions {
  limit?: number;
  tier?: string | string[];
  language?: string | string[];
  label?: LeadLabel | LeadLabel[];
  lastMessageFrom?: number;
  /** Longest excerpt, in characters. */
  excerptChars?: number;
}

export interface SearchHit {
  conversationId: string;
  /** Cosine similarity of the best-matching chunk, −1..1. */
  score: number;
  excerpt: string;
  tier: string;
  language: string;
  label: LeadLabel | null;
  lastMessageAt: number;
  chunk: number;
}

/** The line of the chunk sharing most words with the query (the first line when none does). */
export function bestExcerpt(text: string, query: string, maxChars: number): string {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return '';
  const q = new Set(foldForEmbedding(query).split(' ').filter((w) => w.length > 2));
  let best = lines[0]!;
  let bestHits = 0;
  for (const line of lines) {
    const words = foldForEmbedding(line).split(' ');
    let hits = 0;
    for (const w of words) {
      if (q.has(w)) hits += 2;
      // Inflections: "cotización" vs "cotizaciones" share a long prefix.
      else if (w.length > 4) for (const x of q) if (x.length > 4 && (x.startsWith(w.slice(0, 5)) || w.startsWith(x.slice(0, 5)))) { hits++; break; }
    }
    if (hits > bestHits) { best = line; bestHits = hits; }
  }
  const t = best.trim();
  return t.length > maxChars ? `${t.slice(0, maxChars - 1)}…` : t;
}

export async function searchConversations(
  deps: { embedder: Embedder; store: VectorStore },
  query: string,
  opts: SearchOptions = {},
): Promise<SearchHit[]> {
  const limit = opts.limit ?? 10;
  const [vector] = await deps.embedder.embed([query], 'query');
  const filter: VectorFilter = {
    ...(opts.tier !== undefined ? { tier: opts.tier } : {}),
    ...(opts.language !== undefined ? { language: opts.language } : {}),
    ...(opts.label !== undefined ? { label: opts.label } : {}),
    ...(opts.lastMessageFrom !== undefined ? { lastMessageFrom: opts.lastMessageFrom } : {}),
  };
  // Long conversations have several chunks: ask for more points than conversations wanted.
  const points = await deps.store.search(vector!, { limit: limit * 4, filter });
  const byConversation = new Map<string, SearchHit>();
  for (const p of points) {
    const cid = p.payload.conversation_id;
    const seen = byConversation.get(cid);
    if (seen && seen.score >= p.score) continue;
    byConversation.set(cid, {
      conversationId: cid,
      score: p.score,
      excerpt: bestExcerpt(p.payload.text ?? '', query, opts.excerptChars ?? 120),
      tier: p.payload.tier,
      language: p.payload.language,
      label: p.payload.label ?? null,
      lastMessageAt: p.payload.last_message_at,
      chunk: p.payload.chunk,
    });
  }
  return [...byConversation.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
