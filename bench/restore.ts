// Benchmark 3: restore of 100k conversations' window state from the changelog (target ≤ 20 s).
//   node bin/run-ts.js bench/restore.ts [--quick] [--json]
import { runMain } from './lib/common.js';
import { restoreTime } from './lib/restore-bench.js';

await runMain(restoreTime);
