// Benchmark 1: normalize on the Kafka runtime vs the raw kafkajs consumer ceiling.
//   node bin/run-ts.js bench/normalize-throughput.ts [--quick | --messages N] [--json]
import { runMain } from './lib/common.js';
import { normalizeThroughput } from './lib/normalize-bench.js';

await runMain(normalizeThroughput);
