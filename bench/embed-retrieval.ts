// Retrieval check of the local embedder on DSTC11 insurance utterances: for a
// handful of intent queries, the share of the 10 nearest utterances that have
// that intent (precision@10). It shows what hashed n-grams are worth next to
// a real embedding model; the number goes in docs/embeddings.md.
//   node bin/run-ts.js bench/embed-retrieval.ts [--json] [--dataset path/to/utterances.jsonl]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import type { Embedder } from '../src/adapters/embedder/embedder.js';

export const RETRIEVAL_QUERIES: Array<{ query: string; intent: string }> = [
  { query: 'I want a quote for my car', intent: 'GetQuote' },
  { query: 'I need to file a claim', intent: 'FileClaim' },
  { query: 'I had a car accident and want to report it', intent: 'ReportAutomobileAccident' },
  { query: 'how do I pay my bill', intent: 'PayBill' },
  { query: 'add my daughter to my policy', intent: 'AddDependent' },
  { query: 'I forgot my password', intent: 'ResetPassword' },
  { query: 'I moved and need to change my address', intent: 'ChangeAddress' },
  { query: 'I want to cancel my plan', intent: 'CancelPlan' },
  { query: 'find an agent near me', intent: 'FindAgent' },
  { query: 'I need proof of insurance', intent: 'RequestProofOfInsurance' },
];

export interface RetrievalResult {
  name: string;
  embedder: string;
  utterances: number;
  k: number;
  meanPrecision: number;
  /** Precision a random ranking would get: the intent's share of the utterances, averaged. */
  randomBaseline: number;
  perQuery: Array<{ query: string; intent: string; precision: number; share: number }>;
}

const defaultDataset = fileURLToPath(new URL('../../shared/datasets/dstc11-insurance/utterances.jsonl', import.meta.url));

export async function run(opts: { dataset?: string; embedder?: Embedder; k?: number } = {}): Promise<RetrievalResult> {
  const k = opts.k ?? 10;
  const embedder = opts.embedder ?? createLocalEmbedder();
  const rows = readFileSync(opts.dataset ?? defaultDataset, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { utterance: string; utterance_id: string; intent: string });
  const store = createMemoryVectorStore();
  const vectors = await embedder.embed(rows.map((r) => r.utterance));
  await store.upsert(rows.map((r, i) => ({
    id: r.utterance_id, vector: vectors[i]!,
    // The store's payload shape; `tier` carries the intent so nothing else is needed.
    payload: { conversation_id: r.utterance_id, chunk: 0, chunks: 1, language: 'en', tier: r.intent, label: null, first_message_at: 0, last_message_at: 0, snapshot_version: 0, content_hash: '', text: r.utterance, embedder: embedder.id },
  })));
  const perQuery: RetrievalResult['perQuery'] = [];
  for (const q of RETRIEVAL_QUERIES) {
    const [v] = await embedder.embed([q.query]);
    const hits = await store.search(v!, { limit: k });
    const share = rows.filter((r) => r.intent === q.intent).length / rows.length;
    perQuery.push({ query: q.query, intent: q.intent, precision: hits.filter((h) => h.payload.tier === q.intent).length / k, share });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    name: `retrieval precision@${k} (dstc11-insurance)`,
    embedder: embedder.id,
    utterances: rows.length,
    k,
    meanPrecision: mean(perQuery.map((p) => p.precision)),
    randomBaseline: mean(perQuery.map((p) => p.share)),
    perQuery,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const di = argv.indexOf('--dataset');
  const r = await run(di >= 0 ? { dataset: argv[di + 1]! } : {});
  if (argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(`${r.name}, ${r.embedder}, ${r.utterances} utterances`);
    for (const p of r.perQuery) console.log(`  ${p.precision.toFixed(1)}  ${p.intent.padEnd(24)} "${p.query}"`);
    console.log(`mean precision@${r.k}: ${r.meanPrecision.toFixed(2)} (random ranking: ${r.randomBaseline.toFixed(2)})`);
  }
}
