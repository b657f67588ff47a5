import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binaryScores, confusionMatrix } from '../../../src/eval/metrics.js';
import { parseJsonl, runEval } from '../../../src/eval/run-eval.js';
import { parseCsv } from '../../../src/eval/csv.js';
import { dstc11Label, hint3Label } from '../../../src/eval/datasets.js';

const fixture = fileURLToPath(new URL('./fixtures/tiny.jsonl', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('metrics', () => {
  it('computes precision, recall, F1 and the confusion matrix', () => {
    const pairs = [
      { actual: 'high', predicted: 'high' }, { actual: 'high', predicted: 'low' }, { actual: 'low', predicted: 'high' }, { actual: 'low', predicted: 'low' },
      { actual: 'high', predicted: 'high' },
    ] as const;
    const s = binaryScores([...pairs]);
    expect(s).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 1 });
    expect(s.precision).toBeCloseTo(2 / 3, 4);
    expect(s.recall).toBeCloseTo(2 / 3, 4);
    expect(s.f1).toBeCloseTo(2 / 3, 4);
    expect(confusionMatrix([...pairs]).low.high).toBe(1);
    expect(binaryScores([]).f1).toBe(0);
  });
});

describe('runEval on a tiny JSONL', () => {
  it('gives the known confusion matrix', () => {
    const r = runEval({ input: fixture });
    expect(r.count).toBe(7);
    // a: quote → high; b: call → high; c: price only → medium; d: price → medium; e: buy → high; f: after-sale → low; g: agent-only words → low
    expect(r.confusion).toEqual({
      high: { high: 2, medium: 1, low: 0 },
      medium: { high: 1, medium: 1, low: 0 },
      low: { high: 0, medium: 0, low: 2 },
    });
    expect(r.high).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 3 });
    expect(r.high.f1).toBeCloseTo(2 / 3, 4);
  });

  it('omits the confusion matrix when there are no medium labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-eval-'));
    const file = join(dir, 'two.jsonl');
    writeFileSync(file, readFileSync(fixture, 'utf8').split('\n').filter((l) => l.includes('"high"') || l.includes('"low"')).filter((l) => !l.includes('"medium"')).join('\n'));
    const r = runEval({ input: file });
    expect(r.confusion).toBeUndefined();
    expect(r.labels.medium).toBe(0);
  });

  it('reports bad lines with file and line number', () => {
    expect(() => parseJsonl('{"conversation_id": 1, "label": "hot", "messages": []}', 'x.jsonl')).toThrow(/x\.jsonl:1: .*label/);
    expect(() => parseJsonl('nope', 'y.jsonl')).toThrow(/y\.jsonl:1: not JSON/);
  });

  it('runs as a CLI and prints the JSON report', () => {
    const r = spawnSync(process.execPath, ['bin/run-ts.js', 'test/unit/eval/fixtures/eval-cli.ts', '--input', fixture, '--json'], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.count).toBe(7);
    expect(out.high.f1).toBeCloseTo(2 / 3, 4);
    expect(out.confusion.high.high).toBe(2);
  });
});

describe('dataset conversion', () => {
  it('maps dataset intents to labels', () => {
    expect(hint3Label('LEAD_GEN')).toBe('high');
    expect(hint3Label('MATTRESS_COST')).toBe('medium');
    expect(hint3Label('ORDER_STATUS')).toBe('low');
    expect(hint3Label('NO_NODES_DETECTED')).toBe('low');
    expect(dstc11Label('EnrollInPlan')).toBe('high');
    expect(dstc11Label('FileClaim')).toBe('low');
  });

  it('reads quoted CSV fields', () => {
    expect(parseCsv('sentence,label\n"a, b",X\n",",Y\n"say ""hi""",Z\n')).toEqual([
      { sentence: 'a, b', label: 'X' }, { sentence: ',', label: 'Y' }, { sentence: 'say "hi"', label: 'Z' },
    ]);
  });
});
