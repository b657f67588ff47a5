// The embedder and vector-store comparisons of docs/embeddings.md, in one run on the local stack:
//   1. retrieval precision@10, hashing vs ONNX, on dstc11-insurance and SGD (bench/embed-retrieval.ts);
//   2. search latency over 100k vectors, the in-process store vs the stack's real Qdrant (same
//      vectors, same queries; alternating rounds; Qdrant's recall of the exact top 10);
//   3. embed stage records/s on Kafka, hashing vs ONNX (same records; alternating rounds).
// Writes the figures under the key `embeddings` of bench/results.json (the rest of the file is kept).
//   eval "$(node bin/leadwire.js stack env)"     # QDRANT_URL, KAFKA_BROKERS, EMBED_MODEL_PATH
//   npx tsx bench/embeddings.ts [--rounds 3] [--points 100000] [--records 3000] [--out bench/results.json] [--only retrieval,search,stage]
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QdrantClient } from '@qdrant/js-client-rest';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createOnnxEmbedder } from '../src/adapters/embedder/onnx-embedder.js';
import type { Embedder } from '../src/ports/embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import { createQdrantVectorStore } from '../src/adapters/vector-store/qdrant-vector-store.js';
import type { VectorStore } from '../src/ports/vector-store.js';
import { QDRANT_VERSION } from '../src/stack/qdrant.js';
import { run as retrieval, type RetrievalResult } from './embed-retrieval.js';
import { corpus, pct, timeQueries } from './search-latency.js';
import { embedStagePass, signalsTraffic } from './embed-throughput.js';
import { benchConfig, benchKafka, createTopics, deleteTopics, median, rawConsumerRate, round, uniqueId } from './lib/common.js';
import { produceAll } from './lib/traffic.js';

const argv = process.argv.slice(2);
const num = (flag: string, fallback: number) => { const i = argv.indexOf(flag); return i >= 0 ? Number(argv[i + 1]) : fallback; };
const rounds = num('--rounds', 3);
const points = num('--points', 100_000);
const records = num('--records', 3_000);
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : 'bench/results.json';
// `--only search,stage` for a quick check of a part; the published figures come from a run of all three.
const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1]!.split(',')) : undefined;
const part = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => (only && !only.has(name) ? null : fn());

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run \`node bin/leadwire.js stack up\` and eval "$(node bin/leadwire.js stack env)"`);
  return v;
};
const qdrantUrl = need('QDRANT_URL');
const modelPath = need('EMBED_MODEL_PATH');

const range = (xs: number[]) => ({ median: round(median(xs), 2), min: round(Math.min(...xs), 2), max: round(Math.max(...xs), 2), rounds: xs.map((x) => round(x, 2)) });
const log = (line: string) => process.stderr.write(`${line}\n`);

function embedders(): { hashing: Embedder; onnx: Embedder } {
  return { hashing: createLocalEmbedder(), onnx: createOnnxEmbedder({ modelPath, batchSize: 64 }) };
}

async function retrievalFigures() {
  const { hashing, onnx } = embedders();
  const res: Record<string, RetrievalResult[]> = {};
  for (const [name, e] of Object.entries({ hashing, onnx })) {
    log(`retrieval: ${name} ...`);
    res[name] = await retrieval(e);
  }
  const fig = (r: RetrievalResult[], dataset: string) => {
    const d = r.find((x) => x.dataset === dataset)!;
    return {
      embedder: d.embedder,
      ...Object.fromEntries(Object.entries(d.leaveOneOut).map(([kind, f]) => [`p10_${kind}`, round(f.precision, 3)])),
      ...(d.handQueries ? { p10_handQueries: round(d.handQueries.precision, 2) } : {}),
      embedSeconds: round(d.embedSeconds, 1),
    };
  };
  const base = (dataset: string) => {
    const d = res.hashing!.find((x) => x.dataset === dataset)!;
    return {
      items: d.items,
      ...Object.fromEntries(Object.entries(d.leaveOneOut).map(([kind, f]) => [`random_${kind}`, round(f.randomBaseline, 3)])),
      ...(d.handQueries ? { random_handQueries: round(d.handQueries.randomBaseline, 2) } : {}),
    };
  };
  return {
    k: 10,
    queries: 'every item as a query (embedded alone, as search does) against all the others (embedded in batches, as the embed stage does); dstc11 also its ten hand-written intent queries',
    dstc11Insurance: { ...base('dstc11-insurance'), hashing: fig(res.hashing!, 'dstc11-insurance'), onnx: fig(res.onnx!, 'dstc11-insurance') },
    sgd: { ...base('sgd-dstc8'), hashing: fig(res.hashing!, 'sgd-dstc8'), onnx: fig(res.onnx!, 'sgd-dstc8') },
  };
}

async function searchFigures() {
  const limit = 40;
  const data = await corpus(points, 200);
  const memory = createMemoryVectorStore();
  const collection = `bench_search_${Date.now().toString(36)}`;
  const qdrant = createQdrantVectorStore({ url: qdrantUrl, collection, upsertBatchSize: 1000 });
  const client = new QdrantClient({ url: qdrantUrl, checkCompatibility: false });
  try {
    log(`search: loading ${points} points into both stores ...`);
    const t0 = performance.now();
    let memoryMs = 0;
    let qdrantMs = 0;
    for await (const b of data.batches()) {
      let t = performance.now();
      await memory.upsert(b);
      memoryMs += performance.now() - t;
      t = performance.now();
      await qdrant.upsert(b);
      qdrantMs += performance.now() - t;
    }
    // Qdrant builds its HNSW index in the background after the writes (segments under its indexing
    // threshold stay unindexed and are scanned): measure once its optimizers are done and the index stopped growing.
    const tIndex = performance.now();
    let indexed = -1;
    for (let stable = 0; stable < 3;) {
      await new Promise((r) => setTimeout(r, 1_000));
      const info = await client.getCollection(collection);
      const now = info.indexed_vectors_count ?? 0;
      stable = info.status === 'green' && now === indexed ? stable + 1 : 0;
      indexed = now;
      if (performance.now() - tIndex > 900_000) throw new Error(`Qdrant did not finish indexing in 15 min (${now} indexed, status ${info.status})`);
    }
    const indexMs = performance.now() - tIndex;
    log(`search: loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s, Qdrant indexed in ${(indexMs / 1000).toFixed(0)} s`);
    const qv = data.queries;
    for (const s of [memory, qdrant] as VectorStore[]) for (let i = 0; i < 5; i++) await s.search(qv[i]!, { limit });

    // Qdrant's HNSW is approximate: its share of the exact top 10.
    let agree = 0;
    for (const v of qv) {
      const exact = new Set((await memory.search(v, { limit: 10 })).map((h) => h.id));
      agree += (await qdrant.search(v, { limit: 10 })).filter((h) => exact.has(h.id)).length;
    }
    const p95: Record<'memory' | 'qdrant' | 'memoryFiltered' | 'qdrantFiltered', number[]> = { memory: [], qdrant: [], memoryFiltered: [], qdrantFiltered: [] };
    const p50: Record<'memory' | 'qdrant', number[]> = { memory: [], qdrant: [] };
    for (let r = 0; r < rounds; r++) {
      for (const [name, s] of [['memory', memory], ['qdrant', qdrant]] as const) {
        const all = await timeQueries(s, qv, limit);
        p95[name].push(pct(all, 95));
        p50[name].push(pct(all, 50));
        p95[`${name}Filtered`].push(pct(await timeQueries(s, qv, limit, { tier: 'qualified' }), 95));
      }
      log(`search round ${r + 1}: p95 in-process ${p95.memory.at(-1)!.toFixed(1)} ms, qdrant ${p95.qdrant.at(-1)!.toFixed(1)} ms`);
    }
    return {
      points, dimensions: data.dims, vectors: `${data.embedder} vectors of synthetic Spanish sales texts`, queries: qv.length, limit,
      qdrant: `${QDRANT_VERSION} (stack, HNSW defaults, REST through the adapter, payload returned)`,
      p95Ms: { inProcess: range(p95.memory), qdrant: range(p95.qdrant) },
      p50Ms: { inProcess: range(p50.memory), qdrant: range(p50.qdrant) },
      filteredByTierP95Ms: { inProcess: range(p95.memoryFiltered), qdrant: range(p95.qdrantFiltered) },
      qdrantRecallAt10: round(agree / (qv.length * 10), 3),
      qdrantIndexedVectors: indexed,
      loadSeconds: { inProcess: round(memoryMs / 1000, 1), qdrant: round(qdrantMs / 1000, 1), qdrantIndex: round(indexMs / 1000, 1) },
    };
  } finally {
    await client.deleteCollection(collection).catch(() => undefined);
  }
}

async function embedStageFigures() {
  const kafka = benchKafka();
  const app = uniqueId('bench-embeddings');
  const { config } = benchConfig(app);
  const topic = config.topics.signals;
  const traffic = signalsTraffic(records);
  await createTopics(kafka, [{ name: topic, partitions: config.kafka.partitions }]);
  try {
    await produceAll(kafka, topic, traffic.map((r) => ({ key: r.conversationId, value: JSON.stringify(r) })));
    const raw = await rawConsumerRate(kafka, topic, traffic.length);
    const rate: Record<'hashing' | 'onnx', number[]> = { hashing: [], onnx: [] };
    let points = 0;
    for (let r = 0; r < rounds; r++) {
      // Fresh embedders and stores each pass: nothing is skipped as already embedded.
      const { hashing, onnx } = embedders();
      for (const [name, embedder] of [['hashing', hashing], ['onnx', onnx]] as const) {
        const store = createMemoryVectorStore();
        // As the topology runs them: the CPU-bound local embedder one record at a time, the ONNX one with EMBED_CONCURRENCY.
        const { ms, points: n } = await embedStagePass(kafka, topic, traffic, { embedder, store }, name === 'hashing' ? 1 : config.embed.concurrency);
        points = n;
        rate[name].push(traffic.length / (ms / 1000));
        log(`embed stage round ${r + 1}, ${name}: ${Math.round(rate[name].at(-1)!)} records/s`);
      }
    }
    return {
      records: traffic.length, conversations: new Set(traffic.map((r) => r.conversationId)).size, points, partitions: config.kafka.partitions,
      store: 'in-process (the same for both, so the figure is the embedder\'s)',
      recordsPerSec: { hashing: range(rate.hashing), onnx: range(rate.onnx) },
      onnxOverHashing: range(rate.onnx.map((x, i) => x / rate.hashing[i]!)),
      rawConsumerRecordsPerSec: Math.round(raw.msgsPerSec),
    };
  } finally {
    await deleteTopics(kafka, app);
  }
}

const started = Date.now();
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, loadavgBefore: loadavg().map((l) => round(l, 2)), node: process.version };
const commit = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return null; } })();
const figures = {
  when: new Date().toISOString(),
  commit,
  command: `npx tsx bench/embeddings.ts ${argv.join(' ')}`.trim(),
  machine,
  retrievalPrecisionAt10: await part('retrieval', retrievalFigures),
  searchLatency: await part('search', searchFigures),
  embedStage: await part('stage', embedStageFigures),
  loadavgAfter: loadavg().map((l) => round(l, 2)),
  totalSeconds: round((Date.now() - started) / 1000, 1),
};

// A new key in the shared results file; whatever else it holds stays as it is.
const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> : {};
report.embeddings = figures;
writeFileSync(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
console.log(JSON.stringify(figures, null, 2));
log(`written under "embeddings" in ${out}`);
if (fileURLToPath(import.meta.url) === process.argv[1]) process.exit(0);
