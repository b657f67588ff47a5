// Writes test/unit/eval/eval-floors.json from one run of the eval suite: each
// dataset's measured F1 of high minus the margin. Run it in the commit that
// changes the catalog or the scoring policy, and commit its output with it:
//   node bin/run-ts.js scripts/update-eval-floors.ts
import { writeFileSync } from 'node:fs';
import { runSuite } from '../src/eval/run-suite.js';

const MARGIN = 0.02;
const suite = runSuite();
const f1 = Object.fromEntries(suite.rows.map((r) => [r.dataset, Math.floor((r.rules.high.f1 - MARGIN) * 1000) / 1000]));
const out = {
  comment: 'F1 of high measured by `leadwire eval --suite` minus the margin, floored to 3 decimals; written by scripts/update-eval-floors.ts',
  margin: MARGIN,
  catalog: suite.catalog,
  scoring: suite.scoring,
  f1,
};
writeFileSync(new URL('../test/unit/eval/eval-floors.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(f1)}\n`);
