// Every benchmark in one run on the local stack; writes bench/results.json (with the commit, the
// date and the machine's load) and prints a table. Ratios compare against baselines measured in
// the same run. README's "Measured" table is generated from that file (bench/readme-table.ts) and
// a unit test checks the two agree, so every figure there is from this one run.
//   npm run bench                 (100k messages; about an hour here)
//   npm run bench -- --quick      (10k messages / 10k conversations)
//   npm run bench -- --only normalize,pipeline,restore,memory,kstreams,e2e,hostile,stages,recalibration,similarity
// A result's `bench` names the entry that made it; other benches may add results of their own
// (the table renders any result generically).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { parseArgs, printResult, round, type BenchResult } from './lib/common.js';
import { normalizeThroughput } from './lib/normalize-bench.js';
import { pipelineThroughput } from './lib/pipeline-bench.js';
import { restoreTime } from './lib/restore-bench.js';
import { memoryUse } from './lib/memory-bench.js';
import { printReported, reportedOnly, stageThroughput } from './lib/stage-bench.js';
import { recalibrationResults } from './lib/recalibration-bench.js';

const argv = process.argv.slice(2);
const args = parseArgs(argv);
const oi = argv.indexOf('--only');
const only = oi >= 0 ? new Set(argv[oi + 1]!.split(',')) : undefined;
const out = (() => { const i = argv.indexOf('--out'); return i >= 0 ? argv[i + 1]! : 'bench/results.json'; })();

// A bench gives one result, or several measured in one run (stages: extract, score, embed, the whole topology).
const benches: Array<[string, () => Promise<BenchResult | BenchResult[]>]> = [
  ['normalize', () => normalizeThroughput(args)],
  ['pipeline', () => pipelineThroughput(args)],
  ['restore', () => restoreTime(args)],
  ['memory', () => memoryUse(args)],
  // Imported when they run: each is also a script, which runs itself unless the harness flag is set.
  // normalize + window, then the whole rules path, each against Kafka Streams in 5 alternating rounds.
  ['kstreams', async () => (await import('./kstreams-reference.js')).runBoth(args)],
  ['e2e', async () => (await import('./e2e-latency.js')).run(args)],
  // normalize on Kafka, clean vs 10k hostile records mixed in, alternating rounds (100k, 3 rounds: ≈5 min).
  // Only with `--only hostile`: its 10k hostile records swamp the quick form's 10k good ones.
  ['hostile', async () => (await import('./hostile-kafka.js')).run(args)],
  // extract, score, embed alone and the whole rules-only topology (100k: ≈25 min here, most of it extract and embed).
  ['stages', () => stageThroughput(args)],
  // Held-back P, R and F1 of v1 and of a fit, on every labelled dataset (no stack; ≈2 min).
  ['recalibration', async () => recalibrationResults()],
  // Similarity to good leads: leave-one-dataset-out F1 of high, rules alone vs rules + the feature, per
  // embedder (no stack; ONNX when its model is fetched; --quick samples 300 conversations per dataset
  // part). Its full figures go under `similarityFeature`, as bench/similarity-feature.ts writes them.
  ['similarity', async () => {
    const m = await import('./similarity-feature.js');
    const fig = await m.similarityFigures({ ...(args.quick ? { max: m.QUICK_MAX } : {}), command: `npm run bench -- --only similarity${args.quick ? ' --quick' : ''}`, log: (l) => console.error(l) });
    sections.similarityFeature = fig;
    return m.similarityResults(fig);
  }],
];
(globalThis as { leadwireBenchHarness?: boolean }).leadwireBenchHarness = true;
/** Sections of results.json a bench of this run writes beside `results` (replacing the same key from an earlier run). */
const sections: Record<string, unknown> = {};

const git = (...a: string[]) => { try { return execFileSync('git', a, { encoding: 'utf8' }).trim(); } catch { return null; } };
// The commit measured; `dirty` when the working tree had changes to tracked files other than the results themselves.
const commit = { sha: git('rev-parse', 'HEAD'), dirty: (git('status', '--porcelain', '--untracked-files=no') ?? '').split('\n').some((l) => l.trim() && !l.endsWith(out)) };
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, memoryGB: round(totalmem() / 2 ** 30, 1), freeGB: round(freemem() / 2 ** 30, 1), loadavgBefore: loadavg().map((l) => round(l, 2)), node: process.version };
const started = Date.now();
const results: BenchResult[] = [];
const errors: Array<{ name: string; error: string }> = [];
for (const [name, fn] of benches) {
  // hostile and similarity have their own commands and run only when named (similarity: ≈30 min here).
  if (only ? !only.has(name) : name === 'hostile' || name === 'similarity') continue;
  const t = Date.now();
  try {
    const rs = [await fn()].flat();
    for (const r of rs) {
      r.bench = name;
      r.details.benchSeconds = round((Date.now() - t) / 1000, 1);
      results.push(r);
      if (reportedOnly(r)) printReported(r); else printResult(r);
    }
  } catch (err) {
    errors.push({ name, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    console.error(`${name}: FAILED`, err);
  }
}
const report = { when: new Date().toISOString(), commit, command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '), mode: args.quick ? 'quick' : 'full', messages: args.messages, machine, loadavgAfter: loadavg().map((l) => round(l, 2)), totalSeconds: round((Date.now() - started) / 1000, 1), results, errors };
// Sections other benches keep in the same file (e.g. `embeddings`, written by bench/embeddings.ts
// from its own run) are kept as they are: this run replaces only what it measured.
const others = (() => { try { return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>; } catch { return {}; } })();
for (const k of Object.keys(report)) delete others[k];
writeFileSync(out, `${JSON.stringify({ ...report, ...others, ...sections }, null, 2)}\n`);

const rows = results.map((r) => [
  r.name,
  `${round(r.value).toLocaleString('en-US')} ${r.unit}`,
  r.baseline ? `${round(r.baseline.value).toLocaleString('en-US')} ${r.unit}` : '',
  r.ratio !== undefined ? (r.ratio < 0.01 ? r.ratio.toPrecision(2) : r.ratio.toFixed(3)) : '',
  reportedOnly(r) ? 'none (report)' : r.target.kind === 'ratio>=' ? `ratio ≥ ${r.target.value}` : `≤ ${r.target.value.toLocaleString('en-US')} ${r.unit}`,
  reportedOnly(r) ? '' : r.pass ? 'PASS' : 'MISS',
]);
const head = ['benchmark', 'measured', 'baseline (same run)', 'ratio', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));
console.log(`\n${machine.nproc} cores, ${machine.memoryGB} GB, load ${machine.loadavgBefore.join(' ')} → ${report.loadavgAfter.join(' ')}; ${report.totalSeconds} s; written to ${out}`);
process.exit(errors.length ? 1 : 0);
