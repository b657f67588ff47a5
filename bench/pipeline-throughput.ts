// Benchmark 2: normalize + window on the Kafka runtime vs the raw kafkajs consumer ceiling.
//   node bin/run-ts.js bench/pipeline-throughput.ts [--quick | --messages N] [--json]
import { runMain } from './lib/common.js';
import { pipelineThroughput } from './lib/pipeline-bench.js';

await runMain(pipelineThroughput);
