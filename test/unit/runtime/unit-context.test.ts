import { describe, expect, it } from 'vitest';
import { StageExecutor } from '../../../src/runtime/stage-executor.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../../src/stream/processor-api.js';
import type { StageSpec } from '../../../src/stream/stage.js';

// One AsyncLocalStorage carries the current work unit for every task of the
// process: forwards made after an await must still land on their own unit,
// with records of several partitions and keys in flight at once.
function echoAfterAwait(): Processor<{ n: number; wait: number }, { n: number }> {
  let ctx!: ProcessorContext<{ n: number }>;
  return {
    init(c) { ctx = c; },
    async process(r: StreamRecord<{ n: number; wait: number }>) {
      await new Promise((res) => setTimeout(res, r.value!.wait));
      ctx.forward({ key: r.key, value: { n: r.value!.n } });
      await Promise.resolve();
      ctx.forward({ key: r.key, value: { n: -r.value!.n } });
    },
    close() {},
  };
}

describe('work unit context', () => {
  it('attributes forwards after awaits to their own record across partitions', async () => {
    const spec: StageSpec = { name: 'echo', doc: 'toy', input: { topic: 'in', serde: 'json' }, outputs: { default: { topic: 'out' } }, stores: [], processor: echoAfterAwait, concurrency: 8 };
    const ex = new StageExecutor(spec, { app: 'app', clock: { now: () => 0 }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 1 });
    await ex.open(0);
    await ex.open(1);
    const offsets = [0n, 0n];
    for (let n = 1; n <= 24; n++) {
      const p = n % 2;
      ex.submit({ topic: 'in', partition: p, offset: offsets[p]!++, key: Buffer.from(`k${n % 5}`), value: Buffer.from(JSON.stringify({ n, wait: (n * 7) % 11 })), timestamp: n, headers: {} });
    }
    await ex.drain();
    const out = ex.takeCommittable().messages.filter((m) => m.topic === 'out').map((m) => JSON.parse(m.value!.toString()).n as number);
    // Units commit in input order per partition, each with its own two forwards.
    const byPartition = [1, 0].map((p) => Array.from({ length: 24 }, (_, i) => i + 1).filter((n) => n % 2 === p).flatMap((n) => [n, -n]));
    expect(out).toHaveLength(48);
    for (const seq of byPartition) expect(out.filter((n) => seq.includes(n))).toEqual(seq);
  });
});
