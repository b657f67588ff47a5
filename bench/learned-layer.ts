// Does a learned layer earn its place over the rules? (issue 14, item 4.)
//
// A logistic regression is fitted leave-one-dataset-out: on the development data of every other
// dataset, then scored on the held-out dataset's evaluation split, beside the rules alone. Two
// feature sets: the rules' own output (signal ids, tier), and that plus hashed word unigrams and
// bigrams of the customer's text. The decision threshold is chosen on the training datasets only
// (the one that maximises their mean F1 of high), never on the held-out one.
//
// Nothing here ships: leadwire adds a learned layer only if this figure says it beats the rules.
// Writes the figures under the key `learnedLayer` of bench/results.json (the rest is kept).
//   node bin/run-ts.js bench/learned-layer.ts [--epochs 8] [--buckets 32768] [--out bench/results.json]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadCatalog } from '../src/processors/extract/catalog.js';
import { loadScoringModel } from '../src/processors/score/scoring-model.js';
import { loadDataset, type DatasetName } from '../src/eval/datasets.js';
import type { LabelledConversation } from '../src/eval/labelled-conversation.js';
import { binaryScores } from '../src/eval/metrics.js';
import { predict } from '../src/eval/run-eval.js';
import { SUITE } from '../src/eval/run-suite.js';
import { fitSparseLogistic, hashedNgrams, pickThreshold, type SparseRow } from './lib/sparse-logistic.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : def; };
const EPOCHS = arg('--epochs', 8);
const BUCKETS = arg('--buckets', 32768);
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : 'bench/results.json';

const catalog = loadCatalog('default');
const model = loadScoringModel('active');

interface Example { rules: SparseRow; words: SparseRow; high: boolean; rulesHigh: boolean }

// Rule features live in their own index range above the hashed words.
const ruleIndex = new Map<string, number>();
const ruleFeature = (name: string) => {
  let i = ruleIndex.get(name);
  if (i === undefined) { i = BUCKETS + ruleIndex.size; ruleIndex.set(name, i); }
  return i;
};

function example(conv: LabelledConversation): Example {
  const p = predict(conv, catalog, model);
  const rules: SparseRow = [[ruleFeature(`tier:${p.predicted}`), 1], ...[...new Set(p.signals)].map((s): [number, number] => [ruleFeature(`signal:${s}`), 1])];
  const text = conv.messages.filter((m) => m.role === 'customer').map((m) => m.body).join(' \n ');
  return { rules, words: [...rules, ...hashedNgrams(text, BUCKETS)], high: conv.label === 'high', rulesHigh: p.predicted === 'high' };
}

// Development data where a dataset has it; otherwise the whole set (it is held out when it is scored).
const devSplit = (name: DatasetName) => (name === 'hint3-sofmattress' || name === 'clinc150' ? { split: 'train' as const } : {});
const sets = SUITE.filter((d) => !d.reportOnly).map((d) => {
  const t = Date.now();
  const evalSet = loadDataset(d.name, d.split ? { split: d.split } : {}).map(example);
  const dev = d.split ? loadDataset(d.name, devSplit(d.name)).map(example) : evalSet;
  console.error(`${d.name}: ${dev.length} development, ${evalSet.length} evaluation conversations (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  return { name: d.name, dev, evalSet };
});

const f1 = (xs: Array<{ actual: boolean; predicted: boolean }>) => binaryScores(xs.map((x) => ({ actual: x.actual ? 'high' : 'low', predicted: x.predicted ? 'high' : 'low' })));

type Variant = 'rules' | 'lr-rule-features' | 'lr-rule-features+words';
const rows = sets.map((held) => {
  const train = sets.filter((s) => s !== held);
  // Each training dataset weighs the same in the fit, whatever its size.
  const weightOf = new Map(train.map((s) => [s, 1 / s.dev.length]));
  const row: Record<string, unknown> = { dataset: held.name };
  row.rules = f1(held.evalSet.map((e) => ({ actual: e.high, predicted: e.rulesHigh })));
  for (const [variant, pick] of [['lr-rule-features', (e: Example) => e.rules], ['lr-rule-features+words', (e: Example) => e.words]] as Array<[Variant, (e: Example) => SparseRow]>) {
    const xs = train.flatMap((s) => s.dev.map((e) => ({ x: pick(e), y: e.high ? 1 : 0, w: weightOf.get(s)! })) as Array<{ x: SparseRow; y: 0 | 1; w: number }>);
    const fit = fitSparseLogistic(xs, { epochs: EPOCHS, l2: 1e-6, seed: 7 });
    const threshold = pickThreshold(train.map((s) => s.dev.map((e) => ({ p: fit.predict(pick(e)), actual: e.high }))));
    row[variant] = { ...f1(held.evalSet.map((e) => ({ actual: e.high, predicted: fit.predict(pick(e)) >= threshold }))), threshold };
  }
  return row;
});

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const deltas = (v: Variant) => rows.map((r) => (r[v] as { f1: number }).f1 - (r.rules as { f1: number }).f1);
const summary = Object.fromEntries((['lr-rule-features', 'lr-rule-features+words'] as Variant[]).map((v) => {
  const d = deltas(v);
  return [v, { medianDeltaF1: r3(median(d)), minDeltaF1: r3(Math.min(...d)), maxDeltaF1: r3(Math.max(...d)) }];
}));

console.log(`${'held-out dataset'.padEnd(28)}${'rules F1'.padStart(10)}${'LR(rules)'.padStart(11)}${'LR(rules+words)'.padStart(17)}`);
for (const r of rows) {
  const g = (v: Variant) => (r[v] as { f1: number }).f1.toFixed(3);
  console.log(`${String(r.dataset).padEnd(28)}${g('rules').padStart(10)}${g('lr-rule-features').padStart(11)}${g('lr-rule-features+words').padStart(17)}`);
}
console.log('F1 minus rules F1 (median, min..max):', JSON.stringify(summary));

const git = (...a: string[]) => { try { return execFileSync('git', a, { encoding: 'utf8' }).trim(); } catch { return null; } };
const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> : {};
report.learnedLayer = {
  command: `node bin/run-ts.js bench/learned-layer.ts ${argv.join(' ')}`.trim(),
  commit: git('rev-parse', 'HEAD'),
  date: new Date().toISOString(),
  protocol: 'leave-one-dataset-out: fitted on the other datasets\' development data (hint3 train, clinc150 val, the whole of the others), each dataset weighted equally; threshold = max mean F1 of high on the training datasets; scored on the held-out evaluation split',
  catalog: catalog.version,
  scoring: model.version,
  epochs: EPOCHS,
  buckets: BUCKETS,
  rows,
  summary,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written under "learnedLayer" in ${out}`);
