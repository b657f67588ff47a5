import { describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../src/runtime/local-runtime.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ManualClock } from '../../../src/runtime/test-driver.js';
import type { Processor, ProcessorContext, StreamRecord, Timer } from '../../../src/stream/processor-api.js';
import type { StageSpec, TopologySpec } from '../../../src/stream/stage.js';
import { StageExecutor } from '../../../src/runtime/stage-executor.js';
import { partitionFor } from '../../../src/runtime/partitioner.js';
import { Partitioners } from 'kafkajs';

// A toy session processor: counts per key, emits the count when the key has been
// quiet for 10 (event time) or on a wall timer.
function sessionCounter(): Processor<{ n: number }, { key: string; count: number; via: string }> {
  let ctx!: ProcessorContext<{ key: string; count: number; via: string }>;
  return {
    init(c) { ctx = c; },
    process(r: StreamRecord<{ n: number }>) {
      if (r.value!.n < 0) throw new Error('negative input');
      const store = ctx.getStore<number>('counts');
      store.put(r.key!, (store.get(r.key!) ?? 0) + 1);
      ctx.timers.schedule({ id: `gap:${r.key}`, key: r.key!, kind: 'event', at: r.timestamp + 10 });
      ctx.timers.schedule({ id: `wall:${r.key}`, key: r.key!, kind: 'wall', at: ctx.clock.now() + 1000 });
    },
    onTimer(t: Timer) {
      const store = ctx.getStore<number>('counts');
      const count = store.get(t.key);
      if (count === undefined) return;
      store.delete(t.key);
      ctx.timers.cancel(t.kind === 'event' ? `wall:${t.key}` : `gap:${t.key}`, t.kind === 'event' ? 'wall' : 'event');
      ctx.forward({ key: t.key, value: { key: t.key, count, via: t.kind } });
    },
    close() {},
  };
}

function topology(concurrency = 1, processor = sessionCounter as () => Processor<any, any>): TopologySpec {
  const stage: StageSpec = { name: 'count', doc: 'toy', input: { topic: 'in', serde: 'json' }, outputs: { default: { topic: 'out' } }, stores: [{ name: 'counts', doc: 'counts' }], processor, concurrency };
  return { app: 'test', dlqTopic: 'dlq', topics: [{ name: 'in', partitions: 3, doc: '' }, { name: 'out', partitions: 3, doc: '' }, { name: 'dlq', partitions: 1, doc: '' }], stages: [stage] };
}

describe('local runtime', () => {
  it('closes sessions in event time, per partition stream time, and flushes quiet sessions with wall timers at the end', async () => {
    const rt = createLocalRuntime(topology(), { clock: new ManualClock(0), logger: silentLogger, partitions: 3 });
    for (const [k, ts] of [['a', 0], ['a', 5], ['a', 30], ['a', 31]] as const) rt.produce('in', { key: k, value: { n: 1 }, timestamp: ts });
    await rt.runUntilIdle();
    expect(rt.read('out').map((r) => r.value)).toEqual([{ key: 'a', count: 2, via: 'event' }]);
    await rt.runUntilIdle({ flushWallTimers: true });
    expect(rt.read('out').map((r) => r.value)).toEqual([{ key: 'a', count: 2, via: 'event' }, { key: 'a', count: 2, via: 'wall' }]);
    await rt.stop();
  });

  it('sends undecodable input and processor failures to the DLQ with origin and original bytes, and keeps going', async () => {
    const rt = createLocalRuntime(topology(), { clock: new ManualClock(0), logger: silentLogger, partitions: 3 });
    rt.produce('in', { key: 'k', value: Buffer.from('{not json'), timestamp: 1 });
    rt.produce('in', { key: 'k', value: { n: -1 }, timestamp: 2 });
    rt.produce('in', { key: 'k', value: { n: 1 }, timestamp: 3 });
    await rt.runUntilIdle({ flushWallTimers: true });
    const dlq = rt.read<{ reason: string; original: string; origin: { topic: string; offset: string } }>('dlq').map((r) => r.value);
    expect(dlq.map((d) => d.reason)).toEqual(['undecodable', 'processor_error']);
    expect(Buffer.from(dlq[0]!.original, 'base64').toString()).toBe('{not json');
    expect(dlq[0]!.origin).toMatchObject({ topic: 'in', offset: '0' });
    expect(rt.read('out').map((r) => r.value)).toEqual([{ key: 'k', count: 1, via: 'wall' }]);
    await rt.stop();
  });
});

describe('stage executor', () => {
  it('runs different keys concurrently, one key in order, and commits only the finished prefix', async () => {
    const releases = new Map<string, () => void>();
    const order: string[] = [];
    const slow = (): Processor<{ id: string }, string> => {
      let ctx!: ProcessorContext<string>;
      return {
        init(c) { ctx = c; },
        async process(r) {
          order.push(`start:${r.value!.id}`);
          await new Promise<void>((res) => releases.set(r.value!.id, res));
          ctx.forward({ key: r.key, value: r.value!.id });
          order.push(`end:${r.value!.id}`);
        },
        close() {},
      };
    };
    const spec = topology(8, slow).stages[0]!;
    const ex = new StageExecutor(spec, { app: 't', clock: new ManualClock(0), logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 3 });
    await ex.open(0);
    const send = (offset: number, key: string, id: string) => ex.submit({ topic: 'in', partition: 0, offset: BigInt(offset), key: Buffer.from(key), value: Buffer.from(JSON.stringify({ id })), timestamp: offset, headers: {} });
    send(0, 'x', 'x1'); send(1, 'y', 'y1'); send(2, 'x', 'x2');
    await new Promise((r) => setTimeout(r, 5));
    // x1 and y1 run at once; x2 waits for x1.
    expect(order).toEqual(['start:x1', 'start:y1']);
    expect(ex.running(0)).toBe(3);
    releases.get('y1')!();
    await new Promise((r) => setTimeout(r, 5));
    expect(ex.takeCommittable().units).toBe(0); // y1 is done but x1 (offset 0) is not
    releases.get('x1')!();
    await new Promise((r) => setTimeout(r, 5));
    const c = ex.takeCommittable();
    expect(c.units).toBe(2);
    expect(c.offsets.get(0)).toBe(2n);
    expect(c.messages.filter((m) => m.topic === 'out').map((m) => m.value!.toString())).toEqual(['"x1"', '"y1"']);
    expect(order).toContain('start:x2');
    releases.get('x2')!();
    await ex.drain();
    expect(ex.takeCommittable().offsets.get(0)).toBe(3n);
    // A re-fetch after a rebalance does not enqueue the same offset twice.
    expect(send(2, 'x', 'x2')).toBe(false);
  });
});

describe('partitioner', () => {
  it('matches kafkajs DefaultPartitioner (Java-compatible murmur2)', () => {
    const kp = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    for (let i = 0; i < 2000; i++) {
      const key = String(i * 7919 + 17);
      expect(partitionFor(key, 6)).toBe(kp({ topic: 't', partitionMetadata, message: { key, value: null } }));
    }
  });
});

describe('stream time survives a restart', () => {
  it('a restored task fires event timers where the original would (late records do not rewind time)', async () => {
    const { createTestDriver } = await import('../../../src/runtime/test-driver.js');
    const spec = topology().stages[0]!;
    const first = await createTestDriver(spec);
    await first.pipe({ key: 'a', value: { n: 1 }, timestamp: 100 });
    // Restart from the changelog, then a late record and one still before the old stream time.
    const second = await createTestDriver(spec, { restore: first.changelog });
    await second.pipe({ key: 'x', value: { n: 1 }, timestamp: 50 }); // gap timer at 60
    await second.pipe({ key: 'y', value: { n: 1 }, timestamp: 70 });
    // Stream time is still 100: nothing is due yet, exactly as without the restart.
    expect(second.values()).toEqual([]);
    await second.pipe({ key: 'z', value: { n: 1 }, timestamp: 200 });
    expect(second.values()).toEqual(expect.arrayContaining([{ key: 'a', count: 1, via: 'event' }, { key: 'x', count: 1, via: 'event' }, { key: 'y', count: 1, via: 'event' }]));
  });
});
