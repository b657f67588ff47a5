// Retrieval precision@10 of an embedder on labelled data in datasets/: does a text's nearest
// neighbours share its label? The index is every item embedded as the embed stage stores it (a
// passage, in batches); each query is embedded alone as search embeds it (a query). The same queries
// and the same index for every embedder, so the figures compare embedders and nothing else.
//   - dstc11-insurance: 913 customer utterances, label = intent (29); every utterance is a query
//     (its own point left out), plus ten hand-written intent queries.
//   - sgd-dstc8: 2,659 conversations (their customer side), label = the first intent the user took
//     up (41 service:intent pairs), and the lead label (high / medium / low) that the
//     similarity-to-good-leads feature votes with; every conversation is a query.
//   node bin/run-ts.js bench/embed-retrieval.ts [--embedder local|onnx] [--json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createOnnxEmbedder } from '../src/adapters/embedder/onnx-embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import type { Embedder } from '../src/ports/embedder.js';
import { datasetsDir } from '../src/eval/datasets.js';

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

export interface Item { id: string; text: string; labels: Record<string, string> }

export interface PrecisionFigure {
  /** Mean over queries of the share of the k nearest with the query's label. */
  precision: number;
  /** What a random ranking gets: the mean share of the query's label among the other items. */
  randomBaseline: number;
  queries: number;
}

export interface RetrievalResult {
  dataset: string;
  embedder: string;
  items: number;
  k: number;
  /** Per label kind (intent, lead label): leave-one-out precision@k with every item as a query. */
  leaveOneOut: Record<string, PrecisionFigure>;
  /** dstc11 only: the hand-written intent queries. */
  handQueries?: PrecisionFigure & { perQuery: Array<{ query: string; intent: string; precision: number }> };
  embedSeconds: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

export function dstc11Items(dir = datasetsDir()): Item[] {
  return readFileSync(`${dir}/dstc11-insurance/utterances.jsonl`, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { utterance: string; utterance_id: string; intent: string })
    .map((r) => ({ id: r.utterance_id, text: r.utterance, labels: { intent: r.intent } }));
}

/** SGD conversations as the embed stage sees them: the customer's messages, one per line. */
export function sgdItems(dir = datasetsDir()): Item[] {
  return readFileSync(`${dir}/sgd-dstc8/items.jsonl`, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { conversation_id: string; label: string; source: string; messages: Array<{ role: string; body: string }> })
    .map((r) => ({
      id: r.conversation_id,
      text: r.messages.filter((m) => m.role === 'customer').map((m) => m.body).join('\n'),
      labels: { intent: r.source.split(' ')[1]!.split(',')[0]!, lead: r.label },
    }));
}

export async function retrieval(dataset: string, items: Item[], embedder: Embedder, k = 10, hand?: typeof RETRIEVAL_QUERIES): Promise<RetrievalResult> {
  const t0 = performance.now();
  const store = createMemoryVectorStore();
  const texts = items.map((it) => it.text.slice(0, embedder.maxInputChars));
  const vectors = await embedder.embed(texts, 'passage');
  await store.upsert(items.map((it, i) => ({
    id: `00000000-0000-5000-8000-${String(i).padStart(12, '0')}`, vector: vectors[i]!,
    payload: { conversation_id: it.id, chunk: 0, chunks: 1, language: 'en', tier: '', label: null, first_message_at: 0, last_message_at: 0, snapshot_version: 0, content_hash: '', text: '', embedder: embedder.id },
  })));
  const byId = new Map(items.map((it) => [it.id, it]));
  const kinds = Object.keys(items[0]!.labels);
  const counts = Object.fromEntries(kinds.map((kind) => [kind, new Map<string, number>()]));
  for (const it of items) for (const kind of kinds) counts[kind]!.set(it.labels[kind]!, (counts[kind]!.get(it.labels[kind]!) ?? 0) + 1);

  const hits: Record<string, number[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const base: Record<string, number[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let i = 0; i < items.length; i++) {
    const [q] = await embedder.embed([texts[i]!], 'query');
    const found = (await store.search(q!, { limit: k + 1, filter: { excludeConversationId: items[i]!.id } })).slice(0, k);
    for (const kind of kinds) {
      const label = items[i]!.labels[kind]!;
      hits[kind]!.push(found.filter((h) => byId.get(h.payload.conversation_id)!.labels[kind] === label).length / k);
      base[kind]!.push((counts[kind]!.get(label)! - 1) / (items.length - 1));
    }
  }
  const leaveOneOut = Object.fromEntries(kinds.map((kind) => [kind, { precision: mean(hits[kind]!), randomBaseline: mean(base[kind]!), queries: items.length }]));

  let handQueries: RetrievalResult['handQueries'];
  if (hand) {
    const perQuery: Array<{ query: string; intent: string; precision: number }> = [];
    const shares: number[] = [];
    for (const h of hand) {
      const [q] = await embedder.embed([h.query], 'query');
      const found = await store.search(q!, { limit: k });
      perQuery.push({ ...h, precision: found.filter((x) => byId.get(x.payload.conversation_id)!.labels.intent === h.intent).length / k });
      shares.push((counts.intent!.get(h.intent) ?? 0) / items.length);
    }
    handQueries = { precision: mean(perQuery.map((p) => p.precision)), randomBaseline: mean(shares), queries: hand.length, perQuery };
  }
  return { dataset, embedder: embedder.id, items: items.length, k, leaveOneOut, ...(handQueries ? { handQueries } : {}), embedSeconds: (performance.now() - t0) / 1000 };
}

export async function run(embedder: Embedder): Promise<RetrievalResult[]> {
  return [
    await retrieval('dstc11-insurance', dstc11Items(), embedder, 10, RETRIEVAL_QUERIES),
    await retrieval('sgd-dstc8', sgdItems(), embedder, 10),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const which = argv.includes('--embedder') ? argv[argv.indexOf('--embedder') + 1] : 'local';
  const embedder = which === 'onnx'
    ? createOnnxEmbedder({ modelPath: process.env.EMBED_MODEL_PATH ?? '', batchSize: 64 })
    : createLocalEmbedder();
  const rs = await run(embedder);
  if (argv.includes('--json')) console.log(JSON.stringify(rs, null, 2));
  else {
    for (const r of rs) {
      console.log(`${r.dataset}, ${r.embedder}, ${r.items} items, ${r.embedSeconds.toFixed(1)} s`);
      for (const [kind, f] of Object.entries(r.leaveOneOut)) console.log(`  every item as query, same ${kind}: P@${r.k} ${f.precision.toFixed(3)} (random ${f.randomBaseline.toFixed(3)})`);
      if (r.handQueries) console.log(`  hand-written queries: P@${r.k} ${r.handQueries.precision.toFixed(2)} (random ${r.handQueries.randomBaseline.toFixed(2)})`);
    }
  }
}
