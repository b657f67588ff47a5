// Does similarity to good leads add to the F1 of high? Leave-one-dataset-out over the eval suite's
// datasets, per embedder (hashing, ONNX MiniLM), with the in-process vector store. No stack needed.
//
// For each held-out dataset H:
//   - index: the other datasets' labelled conversations (their train/dev split where they ship one,
//     else all of them), customer side chunked as the embed stage chunks it, label good = gold high,
//     bad = anything else;
//   - feature: labelledNeighbourScore(index, the conversation's vector, k) — k neighbours vote
//     ±1 weighted by similarity (score in −1..1, support = Σ similarity);
//   - rule: the rules' tier, lifted to high when score ≥ lift, lowered from high when score ≤ −lower,
//     only with support ≥ minSupport; k, lift, lower and minSupport (or the rules alone) are chosen
//     on training folds only: each other dataset D scored against an index of the rest but H;
//   - figure: F1 of high on H's suite split (hint3 and clinc150 test, the others whole), rules alone
//     vs rules + similarity.
// Writes the figures under the key `similarityFeature` of bench/results.json (the rest is kept).
//   npx tsx bench/similarity-feature.ts [--embedders hashing,onnx] [--max 1500] [--quick] [--datasets a,b,c --key NAME] [--out bench/results.json]
// --max N keeps at most N conversations of each dataset part (the N with the smallest SHA-1 of the
// id: the same sample on every run); --quick is --max 300. EMBED_MODEL_PATH, else the model fetched
// by `npx leadwire models fetch`, is the ONNX model.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createOnnxEmbedder } from '../src/adapters/embedder/onnx-embedder.js';
import { normalizeInPlace, type Embedder } from '../src/adapters/embedder/embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import { pointId, type VectorStore } from '../src/adapters/vector-store/vector-store.js';
import { embedSchema } from '../src/config/schema.js';
import { loadDataset } from '../src/eval/datasets.js';
import type { EvalLabel, LabelledConversation } from '../src/eval/labelled-conversation.js';
import { binaryScores } from '../src/eval/metrics.js';
import { TIER_LABEL } from '../src/eval/run-eval.js';
import { SUITE } from '../src/eval/run-suite.js';
import { loadCatalog } from '../src/processors/extract/catalog.js';
import { chunkTranscript, type ChunkMessage } from '../src/processors/embed/chunk-transcript.js';
import { loadScoringModel } from '../src/processors/score/scoring-model.js';
import { scoreSignals } from '../src/processors/score/score-signals.js';
import { signalsFromLabelled } from '../src/recalibrate/labelled-signals.js';
import { minilmPath } from '../src/stack/models.js';
import type { BenchResult } from './lib/common.js';
import { STAGE_REPORT_TARGET } from './lib/stage-bench.js';
import { stackSettings } from '../src/stack/settings.js';
import {
  chooseRule, combine, featureAtKs, lodoFolds, partitionedIndex, rocAuc, ruleGrid, sampleByHash, spread,
  type CombineRule, type Example, type FeatureValue,
} from './lib/similarity-lodo.js';

/** --quick: at most this many conversations per dataset part. */
export const QUICK_MAX = 300;
export const KS = [5, 10, 20] as const;
export const THRESHOLDS = [0.2, 0.4, 0.6, 0.8, 1.0] as const;
/** Support floors as k × mean similarity of the neighbours. */
export const MEAN_SIMILARITIES = [0, 0.1, 0.2, 0.3, 0.5, 0.7] as const;

export interface SimilarityOptions {
  embedders: Array<'hashing' | 'onnx'>;
  max?: number;
  /** Only these of the suite's datasets (default: all six); a variant, e.g. without the outcome-labelled persuasionforgood. */
  datasets?: string[];
  modelPath?: string;
  log?: (line: string) => void;
}

interface Conv {
  key: string;
  dataset: string;
  actual: EvalLabel;
  rules: EvalLabel;
  transcript: ChunkMessage[];
}

interface DatasetParts { name: string; reportOnly: boolean; index: Conv[]; evaluated: Conv[]; how: string }

const round = (x: number, d = 4) => Number(x.toFixed(d));

/** The suite's datasets: the split it scores, and the labelled conversations an index may hold. */
export function datasetParts(max: number | undefined, only?: readonly string[], dir?: string): DatasetParts[] {
  for (const n of only ?? []) if (!SUITE.some((d) => d.name === n)) throw new Error(`--datasets: '${n}' is not in the eval suite (${SUITE.map((d) => d.name).join(', ')})`);
  const catalog = loadCatalog('default');
  const model = loadScoringModel('active');
  // The suite's own path (run-eval's predict): snapshot → rules → the active scoring model's tier.
  const conv = (name: string, part: string) => (c: LabelledConversation): Conv => {
    const rec = signalsFromLabelled(c, catalog);
    const tier = scoreSignals(rec, model, rec.lastCustomerMessageAt ?? rec.extractedAt).tier;
    return { key: `${name}/${part}/${c.conversation_id}`, dataset: name, actual: c.label, rules: TIER_LABEL[tier], transcript: rec.transcript ?? [] };
  };
  const load = (name: (typeof SUITE)[number]['name'], split?: 'train' | 'test') =>
    sampleByHash(loadDataset(name, { ...(split ? { split } : {}), ...(dir ? { dir } : {}) }), (c) => c.conversation_id, max);
  return SUITE.filter((d) => !only || only.includes(d.name)).map((d) => {
    if (d.split === 'test') {
      return {
        name: d.name, reportOnly: d.reportOnly ?? false,
        index: load(d.name, 'train').map(conv(d.name, 'train')),
        evaluated: load(d.name, 'test').map(conv(d.name, 'test')),
        how: `index: its ${d.name === 'clinc150' ? 'validation' : 'train'} split; scored: its test split`,
      };
    }
    const all = load(d.name).map(conv(d.name, 'all'));
    return { name: d.name, reportOnly: d.reportOnly ?? false, index: all, evaluated: all, how: 'no split of its own: all of it (never indexed while it is scored)' };
  });
}

/** Each conversation's vector: the normalised mean of its chunks' vectors (null when it has no customer text). */
async function embedAll(convs: Conv[], embedder: Embedder, log: (l: string) => void): Promise<Map<string, { chunks: number[][]; vector: number[] }>> {
  const cfg = embedSchema.parse({});
  const roles = new Set(cfg.roles);
  const maxChars = Math.min(cfg.chunkMaxChars, embedder.maxInputChars);
  const texts: string[] = [];
  const spans: Array<[string, number, number]> = [];
  for (const c of convs) {
    const chunks = chunkTranscript(c.transcript, { roles, maxChars, overlapMessages: cfg.chunkOverlapMessages });
    if (chunks.length) spans.push([c.key, texts.length, texts.length + chunks.length]);
    texts.push(...chunks.map((x) => x.text));
  }
  const vectors: number[][] = [];
  const step = 1024;
  for (let i = 0; i < texts.length; i += step) {
    vectors.push(...await embedder.embed(texts.slice(i, i + step), 'passage'));
    log(`  embedded ${Math.min(i + step, texts.length)} / ${texts.length} chunks`);
  }
  const out = new Map<string, { chunks: number[][]; vector: number[] }>();
  for (const [key, from, to] of spans) {
    const chunks = vectors.slice(from, to);
    const mean = new Array<number>(chunks[0]!.length).fill(0);
    for (const v of chunks) for (let j = 0; j < v.length; j++) mean[j]! += v[j]!;
    out.set(key, { chunks, vector: normalizeInPlace(mean) as number[] });
  }
  return out;
}

export interface HeldOutRow {
  heldOut: string;
  reportOnly: boolean;
  scored: number;
  high: number;
  indexed: number;
  rules: { precision: number; recall: number; f1: number };
  withSimilarity: { precision: number; recall: number; f1: number };
  deltaF1: number;
  /** Chosen on the training folds (never on this dataset); k 0 = the rules alone won there. */
  rule: CombineRule;
  trainingMeanF1: { rules: number; chosen: number };
  changed: { lifted: number; lowered: number };
  /** The neighbour score alone (k 10, no threshold) as a ranking of high vs the rest: 0.5 = chance. */
  featureAucK10: number;
}

async function measure(parts: DatasetParts[], embedder: Embedder, log: (l: string) => void) {
  const t0 = performance.now();
  const unique = new Map<string, Conv>();
  for (const p of parts) for (const c of [...p.index, ...p.evaluated]) unique.set(c.key, c);
  const vecs = await embedAll([...unique.values()], embedder, log);
  const embedSeconds = (performance.now() - t0) / 1000;

  // One in-process store per dataset, holding its index part's chunks, labelled good / bad.
  const stores: Record<string, VectorStore> = {};
  for (const p of parts) {
    const store = createMemoryVectorStore();
    const points = p.index.flatMap((c) => (vecs.get(c.key)?.chunks ?? []).map((vector, chunk, all) => ({
      id: pointId(c.key, chunk), vector,
      payload: { conversation_id: c.key, chunk, chunks: all.length, language: '', tier: '', label: c.actual === 'high' ? 'good' as const : 'bad' as const, first_message_at: 0, last_message_at: 0, snapshot_version: 0, content_hash: '', text: '', embedder: embedder.id },
    })));
    await store.upsert(points);
    stores[p.name] = store;
  }
  const index = partitionedIndex(stores, 4 * Math.max(...KS));
  const byName = new Map(parts.map((p) => [p.name, p]));
  const folds = lodoFolds(parts.map((p) => p.name));

  // Every (scored dataset, index) pair the folds need, computed conversation by conversation so each
  // part is searched once per conversation.
  const featureKey = (scored: string, idx: readonly string[]) => `${scored}|${[...idx].sort().join(',')}`;
  const needed = new Map<string, { scored: string; index: string[]; convs: 'index' | 'evaluated' }>();
  for (const f of folds) {
    needed.set(featureKey(f.heldOut, f.index), { scored: f.heldOut, index: f.index, convs: 'evaluated' });
    for (const t of f.training) needed.set(featureKey(t.scored, t.index), { scored: t.scored, index: t.index, convs: 'index' });
  }
  const features = new Map<string, Map<string, Record<number, FeatureValue>>>([...needed.keys()].map((k) => [k, new Map()]));
  const t1 = performance.now();
  for (const p of parts) {
    const jobs = [...needed.entries()].filter(([, n]) => n.scored === p.name);
    const convs = new Map<string, Conv>();
    for (const [, n] of jobs) for (const c of p[n.convs]) convs.set(c.key, c);
    const inPart = { index: new Set(p.index.map((c) => c.key)), evaluated: new Set(p.evaluated.map((c) => c.key)) };
    for (const c of convs.values()) {
      const v = vecs.get(c.key)?.vector;
      if (!v) continue;
      for (const [key, n] of jobs) {
        if (inPart[n.convs].has(c.key)) features.get(key)!.set(c.key, await featureAtKs(index.view(n.index), v, KS));
      }
    }
    log(`  ${p.name}: features for ${convs.size} conversations`);
  }
  const searchSeconds = (performance.now() - t1) / 1000;

  const examples = (convs: Conv[], key: string): Example[] => convs.map((c) => ({ actual: c.actual, rules: c.rules, feature: features.get(key)!.get(c.key) ?? {} }));
  const grid = ruleGrid(KS, THRESHOLDS, MEAN_SIMILARITIES);
  const rows: HeldOutRow[] = folds.map((f) => {
    const training = f.training.map((t) => examples(byName.get(t.scored)!.index, featureKey(t.scored, t.index)));
    const choice = chooseRule(training, grid);
    const held = byName.get(f.heldOut)!;
    const ex = examples(held.evaluated, featureKey(f.heldOut, f.index));
    const pr = (xs: Array<{ actual: EvalLabel; predicted: EvalLabel }>) => { const s = binaryScores(xs); return { precision: s.precision, recall: s.recall, f1: s.f1 }; };
    const withSim = ex.map((e) => ({ actual: e.actual, rules: e.rules, predicted: combine(e.rules, e.feature[choice.rule.k], choice.rule) }));
    const rules = pr(ex.map((e) => ({ actual: e.actual, predicted: e.rules })));
    const sim = pr(withSim);
    return {
      heldOut: f.heldOut, reportOnly: held.reportOnly, scored: ex.length, high: ex.filter((e) => e.actual === 'high').length,
      indexed: f.index.reduce((n, d) => n + byName.get(d)!.index.length, 0),
      rules, withSimilarity: sim, deltaF1: round(sim.f1 - rules.f1),
      rule: choice.rule, trainingMeanF1: { rules: round(choice.rulesOnlyMeanF1), chosen: round(choice.meanF1) },
      changed: { lifted: withSim.filter((e) => e.rules !== 'high' && e.predicted === 'high').length, lowered: withSim.filter((e) => e.rules === 'high' && e.predicted !== 'high').length },
      featureAucK10: round(rocAuc(ex.map((e) => ({ positive: e.actual === 'high', score: e.feature[10]?.score ?? 0 })))),
    };
  });
  const deltas = (rs: HeldOutRow[]) => { const s = spread(rs.map((r) => r.deltaF1)); return { median: round(s.median), min: round(s.min), max: round(s.max) }; };
  return {
    embedder: embedder.id,
    rows,
    deltaF1: deltas(rows),
    deltaF1IntentDatasets: deltas(rows.filter((r) => !r.reportOnly)),
    embedSeconds: round(embedSeconds, 1),
    searchSeconds: round(searchSeconds, 1),
  };
}

function onnxModelPath(explicit?: string): string {
  const p = explicit ?? defaultModelPath();
  if (!existsSync(join(p, 'onnx', 'model.onnx'))) throw new Error(`no ONNX model at ${p}: run \`npx leadwire models fetch\` (or set EMBED_MODEL_PATH), or pass --embedders hashing`);
  return p;
}
/** EMBED_MODEL_PATH, else where `npx leadwire models fetch` puts MiniLM. */
const defaultModelPath = () => process.env.EMBED_MODEL_PATH ?? minilmPath(stackSettings(process.env));
const onnxModelAvailable = () => existsSync(join(defaultModelPath(), 'onnx', 'model.onnx'));

export async function similarityFeature(opts: SimilarityOptions) {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const parts = datasetParts(opts.max, opts.datasets);
  log(`datasets: ${parts.map((p) => `${p.name} ${p.index.length}/${p.evaluated.length}`).join(', ')} (index/scored)`);
  const byEmbedder: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const name of opts.embedders) {
    const embedder = name === 'onnx' ? createOnnxEmbedder({ modelPath: onnxModelPath(opts.modelPath), batchSize: 64 }) : createLocalEmbedder();
    log(`${name} (${embedder.id}) ...`);
    byEmbedder[name] = await measure(parts, embedder, log);
  }
  return {
    protocol: 'leave-one-dataset-out over the eval suite: for each held-out dataset, the index holds the other datasets\' labelled conversations (good = gold high, bad = otherwise; their train/dev split where they ship one, else all of them); the combination rule (k, lift, lower, support floor, or the rules alone) is chosen by mean F1 of high over training folds that score each other dataset against an index of the rest, never the held-out one; F1 of high on the held-out dataset\'s suite split',
    feature: 'labelledNeighbourScore: k nearest labelled conversations (best chunk each) vote +1 good / −1 bad weighted by cosine similarity; query = the normalised mean of the conversation\'s chunk vectors (customer side, chunked as the embed stage does)',
    rule: 'the rules\' tier; lifted to high when score ≥ lift, lowered from high to medium when score ≤ −lower, only when support (Σ similarity) ≥ minSupport',
    grid: { k: KS, thresholds: THRESHOLDS, minSupport: `k × ${MEAN_SIMILARITIES.join(' | ')}`, rules: ruleGrid(KS, THRESHOLDS, MEAN_SIMILARITIES).length },
    sample: opts.max === undefined ? 'all (the suite\'s figures)' : `at most ${opts.max} conversations per dataset part (the smallest SHA-1 of the id)`,
    datasets: parts.map((p) => ({ name: p.name, indexed: p.index.length, scored: p.evaluated.length, how: p.how })),
    hashing: byEmbedder.hashing ?? null,
    onnx: byEmbedder.onnx ?? null,
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
}

export interface SimilarityRunOptions extends Partial<Omit<SimilarityOptions, 'modelPath'>> { command: string }

/** The figures as they go under `similarityFeature` in bench/results.json: the run's provenance, then the measurements. */
export async function similarityFigures(opts: SimilarityRunOptions) {
  // Without a list, ONNX is measured when its model is there (run-all on a machine that never fetched it still measures hashing).
  const embedders = opts.embedders ?? ['hashing', ...(onnxModelAvailable() ? ['onnx' as const] : [])];
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, loadavgBefore: loadavg().map((l) => round(l, 2)), node: process.version };
  const commit = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return null; } })();
  return {
    when: new Date().toISOString(), commit, command: opts.command, machine,
    ...await similarityFeature({ ...opts, embedders }),
    ...(embedders.includes('onnx') ? {} : { onnxNotMeasured: opts.embedders ? 'not asked for (--embedders)' : `no ONNX model at ${defaultModelPath()}: \`npx leadwire models fetch\`` }),
    loadavgAfter: loadavg().map((l) => round(l, 2)),
  };
}

export type SimilarityFigures = Awaited<ReturnType<typeof similarityFigures>>;

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${f3(x)}`;

/** One reported result per embedder for run-all's table: the median change in F1 of high over the held-out datasets. */
export function similarityResults(fig: SimilarityFigures): BenchResult[] {
  return (['hashing', 'onnx'] as const).flatMap((name) => {
    const r = fig[name];
    if (!r) return [];
    return [{
      name: `similarity to good leads, leave-one-dataset-out change in F1 of high, ${name} embedder`,
      unit: 'F1 (median change)',
      value: r.deltaF1.median,
      target: { kind: 'ratio>=' as const, value: STAGE_REPORT_TARGET },
      pass: r.deltaF1.median >= 0,
      details: {
        summary: `range ${signed(r.deltaF1.min)} to ${signed(r.deltaF1.max)}; rules → rules + similarity: ${r.rows.map((x) => `${x.heldOut} ${f3(x.rules.f1)} → ${f3(x.withSimilarity.f1)}`).join(', ')}; ${fig.sample}`,
        embedder: r.embedder, rows: r.rows,
        command: `npx tsx bench/similarity-feature.ts --embedders ${name}${fig.command.includes('--quick') ? ' --quick' : ''}`,
      },
    }];
  });
}

export function printSimilarity(fig: SimilarityFigures): void {
  for (const name of ['hashing', 'onnx'] as const) {
    const r = fig[name];
    if (!r) continue;
    console.log(`\n${name} (${r.embedder}): F1 of high, rules → rules + similarity (leave-one-dataset-out)`);
    for (const row of r.rows) {
      const rule = row.rule.k ? `k ${row.rule.k}, lift ${row.rule.lift ?? 'off'}, lower ${row.rule.lower ?? 'off'}, support ≥ ${row.rule.minSupport}` : 'rules alone';
      console.log(`  ${row.heldOut.padEnd(26)} ${f3(row.rules.f1)} → ${f3(row.withSimilarity.f1)}  (${signed(row.deltaF1)}; ${rule}; feature AUC ${f3(row.featureAucK10)})`);
    }
    console.log(`  change: median ${signed(r.deltaF1.median)}, range ${signed(r.deltaF1.min)} to ${signed(r.deltaF1.max)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const arg = (flag: string) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
  const out = arg('--out') ?? 'bench/results.json';
  // A variant (e.g. --datasets) goes under a key of its own, beside the published figures.
  const key = arg('--key') ?? 'similarityFeature';
  const max = arg('--max') !== undefined ? Number(arg('--max')) : argv.includes('--quick') ? QUICK_MAX : undefined;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new Error(`--max needs a positive integer, got ${arg('--max')}`);
  const embedders = (arg('--embedders') ?? 'hashing,onnx').split(',') as SimilarityOptions['embedders'];
  for (const e of embedders) if (e !== 'hashing' && e !== 'onnx') throw new Error(`--embedders: unknown '${e}' (hashing, onnx)`);
  const datasets = arg('--datasets')?.split(',');
  const figures = await similarityFigures({ embedders, ...(max !== undefined ? { max } : {}), ...(datasets ? { datasets } : {}), command: `npx tsx bench/similarity-feature.ts ${argv.join(' ')}`.trim(), log: (l) => process.stderr.write(`${l}\n`) });
  // A key of its own in the shared results file; whatever else it holds stays as it is.
  const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> : {};
  report[key] = figures;
  writeFileSync(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  printSimilarity(figures);
  process.stderr.write(`written under "${key}" in ${out}\n`);
  process.exit(0);
}
