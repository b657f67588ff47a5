// Hostile input costs the good records little: normalize (through the runtime's
// stage executor, in process, no Kafka) on N good envelopes alone, then on the
// same N good envelopes mixed with 10k hostile ones (test/helpers/hostile.ts:
// malformed and truncated envelopes, wrong types, nulls, invalid UTF-8, 1 MB
// bodies, markup, prompt injection, huge conversations). The figure is the
// rate of good records in the mixed run against the clean run, in one process.
//
// Measurement, made to hold on a small, shared, noisy machine: an untimed
// warm-up round (the JIT sees every kind before anything is timed), then R
// rounds. A round runs both inputs in full, each through its own fresh
// executor, fed alternately in chunks of 500 good records (ABBA order), so
// load from other processes and GC of earlier work fall on both alike; each
// run is timed over its own chunks only. The ratio is the median of the
// per-round ratios (clean time / mixed time); the rates are medians too. The
// same ratio on the process's CPU time is printed alongside: it does not count
// time the process spent descheduled, so it moves less when other work shares
// the machine (it does count GC helper threads).
//   node bin/run-ts.js bench/hostile-throughput.ts [--messages N] [--rounds R] [--per-kind] [--json]
// --per-kind also prints µs per record for each hostile kind (and for good
// traffic), each kind run alone on a warmed executor (commit encoding
// included), median of R rounds.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config/load.js';
import { buildTopology, STAGE } from '../src/topology/topology.js';
import { StageExecutor } from '../src/runtime/stage-executor.js';
import { silentLogger } from '../src/core/logger.js';
import { median } from './lib/common.js';
import { conversationTraffic, debeziumInserts } from './lib/traffic.js';
import { generateHostile } from '../test/helpers/hostile.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer, got ${argv[i + 1]}`);
  return v;
};
const n = arg('--messages', 50_000);
const rounds = arg('--rounds', 5);
const perKind = argv.includes('--per-kind');
const json = argv.includes('--json');
const HOSTILE = 10_000;

// A full collection between runs, so one run's garbage (1 MB bodies) is not collected on the next one's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const config = loadConfig({ LOG_LEVEL: 'silent' });
const spec = buildTopology(config).stages.find((s) => s.name === STAGE.normalize)!;

interface Rec { kind: string; key: Buffer | null; value: Buffer | null }
const good: Rec[] = debeziumInserts(conversationTraffic(n)).map((r) => ({ kind: 'good traffic', key: Buffer.from(String(r.key)), value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(String(r.value)) }));
const hostile: Rec[] = generateHostile({ count: HOSTILE, seed: 11, startMs: Date.UTC(2026, 3, 1), firstId: 900_000_000_000n, conversationBase: 800_000_000n });

// Interleave: one hostile record after every n/10k good ones, the rest at the end.
// Both inputs are cut into the same chunks of good records (a mixed chunk also
// holds the hostile records that follow its good ones).
const CHUNK = 500;
const every = Math.max(1, Math.floor(good.length / hostile.length));
const cleanChunks: Rec[][] = [];
const mixedChunks: Rec[][] = [];
{
  let h = 0;
  for (let k = 0; k < good.length; k += CHUNK) {
    const c = good.slice(k, k + CHUNK);
    const m: Rec[] = [];
    c.forEach((g, j) => { m.push(g); if ((k + j) % every === 0 && h < hostile.length) m.push(hostile[h++]!); });
    cleanChunks.push(c);
    mixedChunks.push(m);
  }
  while (h < hostile.length) mixedChunks[mixedChunks.length - 1]!.push(hostile[h++]!);
}

function newExecutor(): StageExecutor {
  return new StageExecutor(spec, { app: 'bench-hostile', clock: { now: () => Date.now() }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 6 });
}

/** One input stream through its own executor, fed chunk by chunk; `ms` sums the time spent in its chunks. */
class Run {
  ms = 0;
  /** CPU time of the process over the same chunks (all threads, GC helpers included). */
  cpuMs = 0;
  private off = 0n;
  private constructor(private readonly ex: StageExecutor) {}
  static async open(): Promise<Run> {
    const ex = newExecutor();
    await ex.open(0);
    return new Run(ex);
  }
  feed(records: Rec[]): void {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const r of records) {
      this.ex.submit({ topic: 'src', partition: 0, offset: this.off++, key: r.key, value: r.value, timestamp: Date.now(), headers: {} });
      if (this.off % 1000n === 0n) this.ex.takeCommittable();
    }
    this.ms += performance.now() - t0;
    const c = process.cpuUsage(c0);
    this.cpuMs += (c.user + c.system) / 1000;
  }
  async finish(): Promise<number> {
    const t0 = performance.now();
    await this.ex.drain();
    this.ex.takeCommittable();
    this.ms += performance.now() - t0;
    await this.ex.close();
    return this.ms;
  }
}

/**
 * One round: the clean input and the mixed input, each through a fresh
 * executor, fed alternately chunk by chunk (ABBA) so that load from other
 * processes on the machine falls on both alike. Every record of both inputs
 * is processed; each run is timed over its own chunks only.
 */
async function round(chunks = cleanChunks.length): Promise<{ cleanMs: number; mixedMs: number; cpuRatio: number }> {
  const clean = await Run.open();
  const mixed = await Run.open();
  gc();
  for (let k = 0; k < chunks; k++) {
    if (k % 4 === 0 || k % 4 === 3) { clean.feed(cleanChunks[k]!); mixed.feed(mixedChunks[k]!); } else { mixed.feed(mixedChunks[k]!); clean.feed(cleanChunks[k]!); }
  }
  const cleanMs = await clean.finish();
  const mixedMs = await mixed.finish();
  return { cleanMs, mixedMs, cpuRatio: clean.cpuMs / mixed.cpuMs };
}

// Warm-up, untimed: the first chunks of both inputs (every hostile kind occurs in them).
await round(Math.min(cleanChunks.length, 8));

const cleanMs: number[] = [];
const mixedMs: number[] = [];
const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const { cleanMs: c, mixedMs: m, cpuRatio } = await round();
  cleanMs.push(c);
  mixedMs.push(m);
  ratios.push(c / m);
  cpuRatios.push(cpuRatio);
}
const cleanRate = good.length / (median(cleanMs) / 1000);
const goodRateMixed = good.length / (median(mixedMs) / 1000);
const ratio = median(ratios);
const pass = ratio >= 0.9;

let kinds: Array<{ kind: string; count: number; usPerRecord: number }> | undefined;
if (perKind) {
  const byKind = new Map<string, Rec[]>();
  for (const r of [...good.slice(0, 10_000), ...hostile]) {
    const list = byKind.get(r.kind);
    if (list) list.push(r); else byKind.set(r.kind, [r]);
  }
  const samples = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    // A fresh executor per round (its dedupe cache has not seen these records), warmed on good traffic
    // and a chunk of the mixed input; then each kind's records go through it in turn.
    const ex = newExecutor();
    await ex.open(0);
    let off = 0n;
    const feed = (list: Rec[]) => {
      for (const x of list) {
        ex.submit({ topic: 'src', partition: 0, offset: off++, key: x.key, value: x.value, timestamp: Date.now(), headers: {} });
        if (off % 1000n === 0n) ex.takeCommittable();
      }
      ex.takeCommittable();
    };
    feed(good.slice(10_000, 20_000));
    feed(mixedChunks[0]!);
    for (const [kind, list] of byKind) {
      // The first records of a kind are untimed (its code paths warm up); the
      // time includes taking the committable prefix (encoding outputs and dead letters).
      const warm = Math.min(50, list.length >> 2);
      feed(list.slice(0, warm));
      const timed = list.slice(warm);
      const t0 = performance.now();
      feed(timed);
      samples.set(kind, [...(samples.get(kind) ?? []), ((performance.now() - t0) * 1000) / timed.length]);
    }
    await ex.close();
  }
  kinds = [...samples].map(([kind, us]) => ({ kind, count: byKind.get(kind)!.length, usPerRecord: median(us) })).sort((a, b) => a.usPerRecord - b.usPerRecord);
}

const result = {
  name: `normalize with 10,000 hostile records mixed into ${good.length} good envelopes`,
  unit: 'good msg/s', value: goodRateMixed, baseline: { name: 'clean run', value: cleanRate }, ratio,
  target: { kind: 'ratio>=', value: 0.9 }, pass,
  details: { rounds, cleanMs: cleanMs.map(Math.round), mixedMs: mixedMs.map(Math.round), roundRatios: ratios.map((x) => Number(x.toFixed(3))), cpuRatio: Number(median(cpuRatios).toFixed(3)), roundCpuRatios: cpuRatios.map((x) => Number(x.toFixed(3))), ...(kinds ? { perKindUs: kinds } : {}) },
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(`normalize, ${good.length} good envelopes, ${rounds} alternating rounds: clean ${cleanRate.toFixed(0)} good/s; with 10,000 hostile mixed in ${goodRateMixed.toFixed(0)} good/s; ratio ${ratio.toFixed(3)} (rounds ${ratios.map((x) => x.toFixed(3)).join(' ')}; on CPU time ${median(cpuRatios).toFixed(3)}) (target ≥ 0.9) ${pass ? 'PASS' : 'MISS'}`);
  if (kinds) console.log(`per kind (µs/record, median of ${rounds}): ${kinds.map((k) => `${k.kind} ${k.usPerRecord < 100 ? k.usPerRecord.toFixed(1) : k.usPerRecord.toFixed(0)}`).join(', ')}`);
}
