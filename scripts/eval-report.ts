// One run of the eval suite, written everywhere its figures appear, so that
// no number comes from another run or another commit:
//  - test/unit/eval/eval-floors.json: each dataset's F1 of high minus the margin
//    (the floors CI asserts);
//  - docs/eval.md and README.md: the suite's table between the markers
//    <!-- eval-suite:start --> and <!-- eval-suite:end -->, with the commit, the
//    date and the command.
// Run it in the commit that changes the catalog or the scoring policy (on a
// clean tree, so the commit it names is the one measured):
//   node bin/run-ts.js scripts/eval-report.ts
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { formatSuite, runSuite } from '../src/eval/run-suite.js';

const MARGIN = 0.02;
const root = new URL('../', import.meta.url);
const suite = runSuite();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'catalogs', 'scoring', 'datasets'], { cwd: root, encoding: 'utf8' }).trim() !== '';

const f1 = Object.fromEntries(suite.rows.map((r) => [r.dataset, Math.floor((r.rules.high.f1 - MARGIN) * 1000) / 1000]));
writeFileSync(new URL('test/unit/eval/eval-floors.json', root), `${JSON.stringify({
  comment: 'F1 of high measured by `leadwire eval --suite` minus the margin, floored to 3 decimals; written by scripts/eval-report.ts',
  margin: MARGIN, commit, catalog: suite.catalog, scoring: suite.scoring, f1,
}, null, 2)}\n`);

const block = [
  '<!-- eval-suite:start -->',
  `From one run of \`npx leadwire eval --suite\` on commit \`${commit}\`${dirty ? ' (with uncommitted changes)' : ''}, ${new Date().toISOString().slice(0, 10)}:`,
  '',
  '```',
  formatSuite(suite),
  '```',
  '<!-- eval-suite:end -->',
].join('\n');
for (const file of ['docs/eval.md', 'README.md']) {
  const url = new URL(file, root);
  const text = readFileSync(url, 'utf8');
  const re = /<!-- eval-suite:start -->[\s\S]*?<!-- eval-suite:end -->/;
  if (!re.test(text)) { process.stderr.write(`${file}: no eval-suite markers, left alone\n`); continue; }
  writeFileSync(url, text.replace(re, block));
}
process.stdout.write(`${formatSuite(suite)}\n`);
