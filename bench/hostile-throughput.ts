// Hostile input costs the good records little: normalize (through the runtime's
// stage executor, in process, no Kafka) on N good envelopes alone, then on the
// same N good envelopes mixed with 10k hostile ones (test/helpers/hostile.ts:
// malformed and truncated envelopes, wrong types, nulls, invalid UTF-8, 1 MB
// bodies, markup, prompt injection, huge conversations). The figure is the
// rate of good records in the mixed run against the clean run, in one process.
//   node bin/run-ts.js bench/hostile-throughput.ts [--messages N]
import { loadConfig } from '../src/config/load.js';
import { buildTopology, STAGE } from '../src/topology/topology.js';
import { StageExecutor } from '../src/runtime/stage-executor.js';
import { silentLogger } from '../src/core/logger.js';
import { conversationTraffic, debeziumInserts } from './lib/traffic.js';
import { generateHostile } from '../test/helpers/hostile.js';

const argv = process.argv.slice(2);
const i = argv.indexOf('--messages');
const n = i >= 0 ? Number(argv[i + 1]) : 50_000;
const config = loadConfig({ LOG_LEVEL: 'silent' });
const spec = buildTopology(config).stages.find((s) => s.name === STAGE.normalize)!;
const good = debeziumInserts(conversationTraffic(n)).map((r) => ({ key: Buffer.from(String(r.key)), value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(String(r.value)) }));
const hostile = generateHostile({ count: 10_000, seed: 11, startMs: Date.UTC(2026, 3, 1), firstId: 900_000_000_000n, conversationBase: 800_000_000n });

async function run(records: Array<{ key: Buffer | null; value: Buffer | null }>): Promise<number> {
  const ex = new StageExecutor(spec, { app: 'bench-hostile', clock: { now: () => Date.now() }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 6 });
  await ex.open(0);
  const t0 = performance.now();
  let off = 0n;
  for (const r of records) {
    ex.submit({ topic: 'src', partition: 0, offset: off++, key: r.key, value: r.value, timestamp: Date.now(), headers: {} });
    if (off % 1000n === 0n) ex.takeCommittable();
  }
  await ex.drain();
  ex.takeCommittable();
  const ms = performance.now() - t0;
  await ex.close();
  return ms;
}

// Interleave: one hostile record after every n/10k good ones.
const every = Math.max(1, Math.floor(good.length / hostile.length));
const mixed: Array<{ key: Buffer | null; value: Buffer | null }> = [];
good.forEach((g, k) => { mixed.push(g); if (k % every === 0 && hostile.length) mixed.push(hostile.shift()!); });
mixed.push(...hostile);

await run(good.slice(0, 5000)); // warm-up
const cleanMs = await run(good);
const mixedMs = await run(mixed);
const cleanRate = good.length / (cleanMs / 1000);
const goodRateMixed = good.length / (mixedMs / 1000);
const ratio = goodRateMixed / cleanRate;
console.log(`normalize, ${good.length} good envelopes: clean ${cleanRate.toFixed(0)} good/s; with 10,000 hostile mixed in ${goodRateMixed.toFixed(0)} good/s; ratio ${ratio.toFixed(3)} (target ≥ 0.9) ${ratio >= 0.9 ? 'PASS' : 'MISS'}`);
