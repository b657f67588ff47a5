// Each stage, and the whole rules-only topology, against the raw kafkajs
// consumer ceiling on the same topic, in one run on the local stack:
//   extract alone  (its real input: the conversation snapshots the window emits for the traffic)
//   score alone    (the signals extract emits)
//   embed alone    (the same signals; local embedder, in-process store)
//   every stage    (normalize → … → analytics, no LLM) from the Debezium source topic
// Ratio = stage records/s ÷ raw consumer records/s on the same topic. No target: reported.
//   eval "$(node bin/leadwire.js stack env)"
//   node bin/run-ts.js bench/stage-throughput.ts [--quick | --messages N] [--parts extract,score,embed,topology] [--json]
import { loadavg } from 'node:os';
import { parseArgs, round, type BenchArgs, type BenchResult } from './lib/common.js';
import { printReported, STAGE_PARTS, stageThroughput, type StagePart } from './lib/stage-bench.js';

export async function run(args: BenchArgs, parts: readonly StagePart[] = STAGE_PARTS): Promise<BenchResult[]> {
  return stageThroughput(args, parts);
}

// bench/run-all.ts imports lib/stage-bench.ts directly; the flag also keeps an import of this file from running it.
if (!(globalThis as { leadwireBenchHarness?: boolean }).leadwireBenchHarness) {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const pi = argv.indexOf('--parts');
  const parts = pi >= 0 ? argv[pi + 1]!.split(',') : [...STAGE_PARTS];
  const unknown = parts.filter((p) => !(STAGE_PARTS as readonly string[]).includes(p));
  if (unknown.length) { console.error(`unknown --parts ${unknown.join(',')}; choose from ${STAGE_PARTS.join(',')}`); process.exit(2); }
  try {
    const before = loadavg().map((l) => round(l, 2));
    const results = await run(args, parts as StagePart[]);
    const after = loadavg().map((l) => round(l, 2));
    if (args.json) console.log(JSON.stringify({ messages: args.messages, loadavgBefore: before, loadavgAfter: after, results }, null, 2));
    else {
      for (const r of results) { printReported(r); console.log(`  ${JSON.stringify(r.details)}`); }
      console.log(`load ${before.join(' ')} → ${after.join(' ')}`);
    }
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
