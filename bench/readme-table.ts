// Writes README.md's "Measured" table from bench/results.json (`npm run bench` writes that file),
// or with --check only tells whether the two agree (the unit test test/unit/bench/readme-table.test.ts
// runs the same check in CI).
//   node bin/run-ts.js bench/readme-table.ts [--check] [--results FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { withMeasured, type ResultsFile } from './lib/measured-table.js';

const argv = process.argv.slice(2);
const i = argv.indexOf('--results');
const resultsFile = i >= 0 ? argv[i + 1]! : 'bench/results.json';
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as ResultsFile;
const readme = readFileSync('README.md', 'utf8');
const next = withMeasured(readme, results);
if (argv.includes('--check')) {
  if (next !== readme) {
    console.error(`README.md's "Measured" table does not match ${resultsFile}: run node bin/run-ts.js bench/readme-table.ts`);
    process.exit(1);
  }
  console.log(`README.md's "Measured" table matches ${resultsFile}`);
} else {
  writeFileSync('README.md', next);
  console.log(`README.md's "Measured" table written from ${resultsFile} (${results.results.length} results)`);
}
