// README's "Measured" table and bench/results.json must agree: every figure in the table is from
// the one run recorded in that file (bench/readme-table.ts writes the table).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMeasured, TABLE_BEGIN, TABLE_END, withMeasured, type ResultsFile } from '../../../bench/lib/measured-table.js';

const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as ResultsFile;
const readme = readFileSync('README.md', 'utf8');

describe('README "Measured" table', () => {
  it('is exactly the table generated from bench/results.json', () => {
    const block = readme.slice(readme.indexOf(TABLE_BEGIN), readme.indexOf(TABLE_END) + TABLE_END.length);
    expect(block).toBe(renderMeasured(results));
  });

  it('has one row per result of the run, and fails when a figure is edited by hand', () => {
    const block = renderMeasured(results);
    expect(block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| what')).length).toBe(results.results.length);
    const edited = { ...results, results: results.results.map((r, i) => (i === 0 ? { ...r, value: r.value * 1.1 + 1 } : r)) };
    expect(withMeasured(readme, edited)).not.toBe(readme);
  });

  it('renders a result of a bench it has never seen (other benches add keys of their own)', () => {
    const extra = { ...results, results: [...results.results, { name: 'qdrant search p95', bench: 'qdrant', unit: 'ms', value: 12.5, target: { kind: 'value<=', value: 50 }, pass: true, details: {} }] };
    expect(renderMeasured(extra)).toContain('| qdrant search p95 | 12.5 ms | ≤ 50 ms, met | `npm run bench -- --only qdrant` |');
  });
});
