// Search latency of the in-process vector store: p50/p95/p99 of exact cosine
// top-k over 100k vectors (local embedder dimensions), with and without a
// payload filter. Vectors are local-embedder vectors of synthetic Spanish
// conversations, so their spread is that of real use, not of random noise.
//   npx tsx bench/search-latency.ts [--points N] [--queries N] [--json]
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import { pointId, type VectorFilter, type VectorPoint, type VectorStore } from '../src/ports/vector-store.js';

const WORDS = ('precio cotización máquina empacadora envío bogotá lima unidades cajas panadería fábrica visita video catálogo garantía '
  + 'repuestos instalación crédito factura pedido entrega horno mezcladora selladora dosificadora acero inoxidable capacidad hora '
  + 'producción demo llamada whatsapp asesor distribuidor importación aduana pago transferencia descuento mayorista').split(' ');

/** A deterministic pseudo-random generator (mulberry32): the same corpus on every run. */
function rng(seed: number) {
  return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function sentence(r: () => number): string {
  const n = 3 + Math.floor(r() * 8);
  return Array.from({ length: n }, () => (r() < 0.15 ? String(Math.floor(r() * 500)) : WORDS[Math.floor(r() * WORDS.length)]!)).join(' ');
}

export interface SearchLatencyResult {
  name: string;
  unit: 'ms';
  points: number;
  dimensions: number;
  queries: number;
  limit: number;
  p50: number;
  p95: number;
  p99: number;
  filtered: { p50: number; p95: number };
  loadMs: number;
  heapMB: number;
}

const TIERS = ['qualified', 'nurturing', 'unqualified'];

/** The corpus and queries: local-embedder vectors of synthetic Spanish sales texts (the same on every run). */
export async function corpus(points: number, queries: number): Promise<{ dims: number; embedder: string; batches: () => AsyncGenerator<VectorPoint[]>; queries: number[][] }> {
  const embedder = createLocalEmbedder();
  const r = rng(42);
  const texts = Array.from({ length: points }, () => sentence(r));
  const qv = await embedder.embed(Array.from({ length: queries }, () => sentence(r)));
  async function* batches() {
    for (let i = 0; i < points; i += 1000) {
      const slice = texts.slice(i, i + 1000);
      const vectors = await embedder.embed(slice);
      yield slice.map((text, j) => ({
        id: pointId(String(i + j), 0), vector: vectors[j]!,
        payload: { conversation_id: String(i + j), chunk: 0, chunks: 1, language: 'es', tier: TIERS[(i + j) % 3]!, label: null, first_message_at: 0, last_message_at: i + j, snapshot_version: 1, content_hash: '', text, embedder: embedder.id },
      }));
    }
  }
  return { dims: embedder.dimensions!, embedder: embedder.id, batches, queries: qv };
}

/** Latencies (ms, sorted) of one pass of the queries, unfiltered or filtered by one tier (⅓ of the points). */
export async function timeQueries(store: VectorStore, qv: number[][], limit: number, filter?: VectorFilter): Promise<number[]> {
  const ms: number[] = [];
  for (const v of qv) {
    const s = performance.now();
    await store.search(v, { limit, ...(filter ? { filter } : {}) });
    ms.push(performance.now() - s);
  }
  return ms.sort((a, b) => a - b);
}

export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function run(opts: { points?: number; queries?: number; limit?: number } = {}): Promise<SearchLatencyResult> {
  const points = opts.points ?? 100_000;
  const queries = opts.queries ?? 200;
  const limit = opts.limit ?? 40;
  const data = await corpus(points, queries);
  const store = createMemoryVectorStore();
  const t0 = performance.now();
  for await (const b of data.batches()) await store.upsert(b);
  const loadMs = performance.now() - t0;
  const qv = data.queries;
  // Warm-up: the first scans pay for JIT compilation.
  for (let i = 0; i < 5; i++) await store.search(qv[i]!, { limit });
  const all = await timeQueries(store, qv, limit);
  const filtered = await timeQueries(store, qv, limit, { tier: 'qualified' });
  return {
    name: `in-process vector search over ${points.toLocaleString('en-US')} vectors`,
    unit: 'ms', points, dimensions: data.dims, queries, limit,
    p50: pct(all, 50), p95: pct(all, 95), p99: pct(all, 99),
    filtered: { p50: pct(filtered, 50), p95: pct(filtered, 95) },
    loadMs, heapMB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const num = (flag: string) => { const i = argv.indexOf(flag); return i >= 0 ? Number(argv[i + 1]) : undefined; };
  const res = await run({ ...(num('--points') ? { points: num('--points')! } : {}), ...(num('--queries') ? { queries: num('--queries')! } : {}) });
  if (argv.includes('--json')) console.log(JSON.stringify(res, null, 2));
  else console.log(`${res.name} (${res.dimensions} dims, top ${res.limit}): p50 ${res.p50.toFixed(1)} ms, p95 ${res.p95.toFixed(1)} ms, p99 ${res.p99.toFixed(1)} ms; filtered by tier p95 ${res.filtered.p95.toFixed(1)} ms; load ${(res.loadMs / 1000).toFixed(1)} s, heap ${res.heapMB.toFixed(0)} MB`);
}
