// `leadwire eval --suite`: every dataset shipped in datasets/, through the
// production path, beside the ten-keyword baseline, in one table.
//
// Protocol (docs/eval.md): the catalog and the scoring model are written by
// hand from ideas and fitted to nothing, so each dataset's figure is already
// one the rules never saw; anything fitted (a recalibrated scoring version)
// must be reported leave-one-dataset-out: fitted on the other datasets, scored
// on this one. hint3 is scored on its test split and clinc150 on its test
// split (their train/val splits are for development).
import { loadCatalog, type SignalCatalog } from '../processors/extract/catalog.js';
import { loadScoringModel, type ScoringModel } from '../processors/score/scoring-model.js';
import { loadDataset, type DatasetName } from './datasets.js';
import { keywordBaseline } from './keyword-baseline.js';
import { binaryScores, confusionMatrix, type BinaryScores, type Confusion } from './metrics.js';
import { evaluate } from './run-eval.js';

export interface SuiteDataset {
  name: DatasetName;
  /** The split scored; development splits are left out. */
  split?: 'test';
  /** An outcome label (did the person donate), not intent: reported, not held to a floor. */
  reportOnly?: boolean;
}

export const SUITE: readonly SuiteDataset[] = [
  { name: 'hint3-sofmattress', split: 'test' },
  { name: 'dstc11-insurance' },
  { name: 'sgd-dstc8' },
  { name: 'clinc150', split: 'test' },
  { name: 'bitext-customer-support' },
  { name: 'persuasionforgood', reportOnly: true },
];

export interface SuiteScores { high: BinaryScores; confusion: Confusion }

export interface SuiteRow {
  dataset: string;
  split: string | null;
  reportOnly: boolean;
  count: number;
  labels: { high: number; medium: number; low: number };
  rules: SuiteScores;
  baseline: SuiteScores;
}

export interface SuiteReport {
  catalog: string;
  scoring: string;
  /** What was fitted to data, and so scored leave-one-dataset-out. */
  fitted: string;
  rows: SuiteRow[];
}

export interface SuiteOptions {
  datasetsDir?: string;
  catalog?: string | SignalCatalog;
  scoring?: string | ScoringModel;
  /** Only these datasets (default: all of SUITE). */
  only?: string[];
}

export function runSuite(opts: SuiteOptions = {}): SuiteReport {
  const catalog = typeof opts.catalog === 'object' ? opts.catalog : loadCatalog(opts.catalog ?? 'default');
  const model = typeof opts.scoring === 'object' ? opts.scoring : loadScoringModel(opts.scoring ?? 'active');
  const rows = SUITE.filter((d) => !opts.only || opts.only.includes(d.name)).map((d): SuiteRow => {
    const data = loadDataset(d.name, { ...(d.split ? { split: d.split } : {}), ...(opts.datasetsDir ? { dir: opts.datasetsDir } : {}) });
    const r = evaluate(data, catalog, d.name, false, model);
    const base = data.map((c) => ({ actual: c.label, predicted: keywordBaseline(c) }));
    const pairsRules = confusionOf(r.confusion, r.high);
    return {
      dataset: d.name,
      split: d.split ?? null,
      reportOnly: d.reportOnly ?? false,
      count: r.count,
      labels: r.labels,
      rules: { high: r.high, confusion: pairsRules },
      baseline: { high: binaryScores(base), confusion: confusionMatrix(base) },
    };
  });
  return {
    catalog: catalog.version,
    scoring: model.version,
    // Recalibrated versions list every weight (weightsComplete); hand-written ones keep the catalog's.
    fitted: model.weightsComplete
      ? `scoring ${model.version} has fitted weights: report it leave-one-dataset-out (fit on the other datasets, score on each)`
      : 'nothing (catalog and scoring written by hand, from ideas): every figure is on data they never saw',
    rows,
  };
}

/** evaluate() omits the matrix when a dataset has no medium labels; the suite always shows it. */
function confusionOf(c: Confusion | undefined, high: BinaryScores): Confusion {
  if (c) return c;
  return {
    high: { high: high.tp, medium: 0, low: high.fn },
    medium: { high: 0, medium: 0, low: 0 },
    low: { high: high.fp, medium: 0, low: high.tn },
  };
}

const f3 = (x: number) => x.toFixed(3);

/** The suite as a text table: one line per dataset, then each confusion matrix. */
export function formatSuite(r: SuiteReport): string {
  const head = `${'dataset'.padEnd(26)}${'n'.padStart(6)}${'high'.padStart(6)}   rules: P      R      F1      10 keywords: P      R      F1`;
  const lines = [`catalog ${r.catalog}, scoring ${r.scoring}; fitted: ${r.fitted}`, '', head];
  for (const row of r.rows) {
    const name = `${row.dataset}${row.split ? `/${row.split}` : ''}${row.reportOnly ? ' *' : ''}`;
    const s = row.rules.high;
    const b = row.baseline.high;
    lines.push(`${name.padEnd(26)}${String(row.count).padStart(6)}${String(row.labels.high).padStart(6)}   ${f3(s.precision).padStart(8)} ${f3(s.recall)}  ${f3(s.f1)}   ${f3(b.precision).padStart(16)} ${f3(b.recall)}  ${f3(b.f1)}`);
  }
  if (r.rows.some((x) => x.reportOnly)) lines.push('', '* an outcome label (donated after the chat), not intent: reported, not held to a floor');
  lines.push('', 'confusion, rows actual, columns predicted (high / medium / low): rules | 10 keywords');
  for (const row of r.rows) {
    lines.push(`${row.dataset}`);
    for (const a of ['high', 'medium', 'low'] as const) {
      const c = row.rules.confusion[a];
      const k = row.baseline.confusion[a];
      lines.push(`  ${a.padEnd(7)}${[c.high, c.medium, c.low].map((n) => String(n).padStart(6)).join('')}   |${[k.high, k.medium, k.low].map((n) => String(n).padStart(6)).join('')}`);
    }
  }
  return lines.join('\n');
}
