import { describe, expect, it } from 'vitest';
import { StageExecutor } from '../../../src/runtime/stage-executor.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Processor, ProcessorContext, StreamRecord, Timer } from '../../../src/stream/processor-api.js';
import type { StageSpec } from '../../../src/stream/stage.js';

// A stage with `timers: 'derived'`: the deadline of each key is in its state,
// init() schedules the timers again, and the changelog carries no timers.
function deadlineProcessor(): Processor<{ at: number }, { key: string; fired: number }> {
  let ctx!: ProcessorContext<{ key: string; fired: number }>;
  return {
    init(c) {
      ctx = c;
      for (const [k, at] of c.getStore<number>('deadlines').entries()) c.timers.schedule({ id: k, key: k, kind: 'event', at });
    },
    process(r: StreamRecord<{ at: number }>) {
      ctx.getStore<number>('deadlines').put(r.key!, r.value!.at);
      ctx.timers.schedule({ id: r.key!, key: r.key!, kind: 'event', at: r.value!.at });
    },
    onTimer(t: Timer) {
      ctx.getStore<number>('deadlines').delete(t.key);
      ctx.forward({ key: t.key, value: { key: t.key, fired: t.at } });
    },
    close() {},
  };
}

const spec: StageSpec = {
  name: 'dl', doc: 'toy', input: { topic: 'in', serde: 'json' }, outputs: { default: { topic: 'out' } },
  stores: [{ name: 'deadlines', doc: 'deadline per key' }], processor: deadlineProcessor, concurrency: 1, timers: 'derived',
};
const deps = { app: 'app', clock: { now: () => 0 }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 1 };

describe('derived timers', () => {
  it('are rebuilt by init() after a restore, and old persisted timer records are deleted', async () => {
    const ex = new StageExecutor(spec, deps);
    await ex.open(0);
    let off = 0n;
    const send = (e: StageExecutor, key: string, at: number, ts: number) => e.submit({ topic: 'in', partition: 0, offset: off++, key: Buffer.from(key), value: Buffer.from(JSON.stringify({ at })), timestamp: ts, headers: {} });
    send(ex, 'a', 100, 10);
    send(ex, 'b', 200, 20);
    await ex.drain();
    const log = ex.takeCommittable().messages.filter((m) => m.topic.includes('changelog'));
    expect(log.filter((m) => m.topic.includes('__timers')).map((m) => m.key!.toString())).toEqual(['__stream_time']);

    // A fresh owner restores the changelog plus a timer record an earlier version persisted.
    const fresh = new StageExecutor(spec, deps);
    await fresh.open(0, async (apply) => {
      for (const m of log) apply(m.topic.includes('__timers') ? '__timers' : 'deadlines', m.key!.toString(), m.value);
      apply('__timers', 'event:zombie', Buffer.from(JSON.stringify({ id: 'zombie', key: 'zombie', kind: 'event', at: 1 })));
    });
    const boot = fresh.takeCommittable().messages.filter((m) => m.topic.includes('__timers'));
    expect(boot.map((m) => [m.key!.toString(), m.value])).toEqual([['event:zombie', null]]);
    send(fresh, 'c', 1000, 950); // stream time 950: a and b are due
    await fresh.drain();
    const out = fresh.takeCommittable().messages.filter((m) => m.topic === 'out').map((m) => JSON.parse(m.value!.toString()));
    expect(out).toEqual([{ key: 'a', fired: 100 }, { key: 'b', fired: 200 }]);
  });
});
