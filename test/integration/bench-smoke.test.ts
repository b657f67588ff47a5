// The benchmark suite's CI form: `bench/run-all.ts --quick` must complete on the
// real stack and report sane numbers. Timings are the machine's business, so
// nothing here compares them with a target.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import '../helpers/kafka-kit.js';

const run = promisify(execFile);

interface Report {
  mode: string;
  machine: { nproc: number };
  results: Array<{ name: string; unit: string; value: number; ratio?: number; baseline?: { value: number }; details: Record<string, unknown> }>;
  errors: unknown[];
}

describe('benchmarks (quick form)', () => {
  it('runs every benchmark and reports positive rates, ratios, times and memory', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'leadwire-bench-')), 'results.json');
    // One round of each Kafka Streams comparison (the quoted figure takes 5); recalibration has its unit test.
    await run(process.execPath, ['bin/run-ts.js', 'bench/run-all.ts', '--quick', '--rounds', '1', '--only', 'normalize,pipeline,restore,memory,kstreams,e2e,stages', '--out', out], { timeout: 900_000, maxBuffer: 16 << 20 });
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.mode).toBe('quick');
    expect(report.errors).toEqual([]);
    expect(report.machine.nproc).toBeGreaterThan(0);
    expect(report.results.map((r) => r.unit)).toEqual(['msg/s', 'msg/s', 'ms', 'MB RSS', 'msg/s', 'msg/s', 'ms', 'records/s', 'records/s', 'records/s', 'msg/s']);
    for (const r of report.results) {
      expect(Number.isFinite(r.value), r.name).toBe(true);
      expect(r.value, r.name).toBeGreaterThan(0);
    }
    const [normalize, pipeline, restore, memory] = report.results;
    for (const t of [normalize!, pipeline!]) {
      expect(t.baseline!.value, t.name).toBeGreaterThan(0);
      expect(t.ratio, t.name).toBeGreaterThan(0);
      expect(t.details.messages, t.name).toBe(10_000);
    }
    // Every message went through both stages.
    expect(pipeline!.details.windowProcessed).toBeGreaterThanOrEqual(10_000);
    expect(restore!.details.restoredConversations).toBe(10_000);
    expect(restore!.details.restoredRecords).toBe(restore!.details.changelogRecords);
    expect(memory!.details.conversations).toBe(10_000);
    // Kafka Streams reference: both sides read all 10k; the end-to-end run measured every conversation it wrote.
    const [, , , , kstreams, rulesPath, e2e] = report.results;
    expect(kstreams!.baseline!.value).toBeGreaterThan(0);
    expect(kstreams!.details.messages).toBe(10_000);
    expect(kstreams!.details.leadwireWindowProcessed).toBeGreaterThanOrEqual(10_000);
    expect(kstreams!.details.kstreamsRepartitionEnd).toBeGreaterThanOrEqual(10_000);
    expect(kstreams!.details.recordCache).toBe(true);
    // The whole rules path: both sides ran, leadwire's score stage saw every signals record.
    expect(rulesPath!.baseline!.value).toBeGreaterThan(0);
    expect(rulesPath!.ratio).toBeGreaterThan(0);
    expect(e2e!.details.conversations).toBe(40);
    expect(e2e!.details.p50Ms).toBeLessThanOrEqual(e2e!.details.p99Ms as number);
    // Stages: extract, score and embed alone each read all of their real input; the whole topology
    // processed in every stage what the same traffic gives in process.
    const [, , , , , , , extract, score, embed, topology] = report.results;
    for (const t of [extract!, score!, embed!, topology!]) {
      expect(t.baseline!.value, t.name).toBeGreaterThan(0);
      expect(t.ratio, t.name).toBeGreaterThan(0);
    }
    for (const t of [extract!, score!, embed!]) {
      expect(t.details.records, t.name).toBeGreaterThan(0);
      expect(t.details.processed, t.name).toBeGreaterThanOrEqual(t.details.records as number);
    }
    expect(topology!.details.messages).toBe(10_000);
    const expected = topology!.details.expected as Record<string, number>;
    for (const [stage, n] of Object.entries(expected)) expect((topology!.details.processed as Record<string, number>)[stage], stage).toBeGreaterThanOrEqual(n);
  }, 960_000);
});
