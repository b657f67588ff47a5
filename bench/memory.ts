// Benchmark 4: RSS with 100k open conversations of 20 messages each (target ≤ 1 GB).
//   node bin/run-ts.js bench/memory.ts [--quick] [--json]
import { runMain } from './lib/common.js';
import { memoryUse } from './lib/memory-bench.js';

await runMain(memoryUse);
