// The window stage alone, in process (the runtime's executor, no Kafka), on the
// realistic traffic that normalize emits: µs per message, for profiling
// (`node --cpu-prof --import tsx bench/tools/window-inprocess.ts`).
//   node bin/run-ts.js bench/tools/window-inprocess.ts [--messages N]
import { loadConfig } from '../../src/config/load.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { StageExecutor, type OutMessage } from '../../src/runtime/stage-executor.js';
import { silentLogger } from '../../src/core/logger.js';
import { conversationTraffic, debeziumInserts } from '../lib/traffic.js';

const argv = process.argv.slice(2);
const i = argv.indexOf('--messages');
const n = i >= 0 ? Number(argv[i + 1]) : 100_000;
const config = loadConfig({ LOG_LEVEL: 'silent' });
const stages = buildTopology(config).stages;
const spec = (name: string) => stages.find((s) => s.name === name)!;
const opts = { app: 'bench-window', clock: { now: () => Date.now() }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 6 };

// normalize first, to get the window's real input records
const norm = new StageExecutor(spec(STAGE.normalize), opts);
await norm.open(0);
const input: OutMessage[] = [];
let off = 0n;
for (const r of debeziumInserts(conversationTraffic(n))) {
  norm.submit({ topic: 'src', partition: 0, offset: off++, key: Buffer.from(String(r.key)), value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(String(r.value)), timestamp: Date.now(), headers: {} });
  if (off % 1000n === 0n) { await norm.drain(); input.push(...norm.takeCommittable().messages.filter((m) => m.topic === config.topics.messages)); }
}
await norm.drain();
input.push(...norm.takeCommittable().messages.filter((m) => m.topic === config.topics.messages));
await norm.close();

async function run(records: OutMessage[]): Promise<{ ms: number; cpuMs: number; out: number; bytes: number }> {
  const ex = new StageExecutor(spec(STAGE.window), opts);
  for (let p = 0; p < 6; p++) await ex.open(p);
  const offs = new Array<bigint>(6).fill(0n);
  let out = 0;
  let bytes = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let k = 0;
  for (const m of records) {
    const p = m.partition;
    ex.submit({ topic: config.topics.messages, partition: p, offset: offs[p]!++, key: m.key as Buffer, value: m.value as Buffer, timestamp: m.timestamp, headers: {} });
    if (++k % 500 === 0) {
      await ex.drain();
      for (const o of ex.takeCommittable().messages) { out++; bytes += o.value?.length ?? 0; }
    }
  }
  await ex.drain();
  for (const o of ex.takeCommittable().messages) { out++; bytes += o.value?.length ?? 0; }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await ex.close();
  return { ms, cpuMs: (c.user + c.system) / 1000, out, bytes };
}

await run(input.slice(0, 5000));
const r = await run(input);
console.log(`window in process: ${input.length} messages in ${r.ms.toFixed(0)} ms = ${(r.ms * 1000 / input.length).toFixed(1)} µs/msg (CPU ${(r.cpuMs * 1000 / input.length).toFixed(1)} µs/msg); ${r.out} records out (${(r.out / input.length).toFixed(2)}/msg), ${(r.bytes / input.length).toFixed(0)} bytes/msg`);
