import { describe, expect, it } from 'vitest';
import { StageExecutor } from '../../../src/runtime/stage-executor.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../../src/stream/processor-api.js';
import type { StageSpec } from '../../../src/stream/stage.js';

// A serialized store encodes a value once per commit, not once per put: these
// pin that the changelog still carries exactly the last value of each commit,
// that later reads see the encoded text, and that deletes win.
interface Tally { n: number; seen: string[] }

function tallyProcessor(): Processor<{ add: string } | { drop: true }, never> {
  let ctx!: ProcessorContext<never>;
  return {
    init(c) { ctx = c; },
    process(r: StreamRecord<{ add: string } | { drop: true }>) {
      const store = ctx.getStore<Tally>('tally');
      if ('drop' in r.value!) { store.delete(r.key!); return; }
      const prev = store.get(r.key!) ?? { n: 0, seen: [] };
      store.put(r.key!, { n: prev.n + 1, seen: [...prev.seen, r.value!.add] });
    },
    close() {},
  };
}

const spec: StageSpec = {
  name: 'tally', doc: 'toy', input: { topic: 'in', serde: 'json' }, outputs: {},
  stores: [{ name: 'tally', doc: 'tally', serialized: true, cacheSize: 1 }], processor: tallyProcessor, concurrency: 1,
};

async function setup() {
  const ex = new StageExecutor(spec, { app: 'app', clock: { now: () => 1000 }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 1 });
  await ex.open(0);
  let offset = 0n;
  const send = (key: string, value: unknown) => ex.submit({ topic: 'in', partition: 0, offset: offset++, key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), timestamp: 1, headers: {} });
  const commit = async () => {
    await ex.drain();
    return ex.takeCommittable().messages.filter((m) => m.topic.endsWith('tally-changelog')).map((m) => [m.key!.toString(), m.value && JSON.parse(m.value.toString())]);
  };
  return { ex, send, commit };
}

describe('serialized store', () => {
  it('writes one changelog record per key and commit, with the last value put', async () => {
    const { send, commit } = await setup();
    send('a', { add: 'x' });
    send('b', { add: 'y' });
    send('a', { add: 'z' });
    expect(await commit()).toEqual([['a', { n: 2, seen: ['x', 'z'] }], ['b', { n: 1, seen: ['y'] }]]);
    // cacheSize 1: 'a' is read back from the text the commit encoded
    send('b', { add: 'w' });
    send('a', { add: 'v' });
    expect(await commit()).toEqual([['b', { n: 2, seen: ['y', 'w'] }], ['a', { n: 3, seen: ['x', 'z', 'v'] }]]);
  });

  it('lets a delete after a put in the same commit win, and a later put start over', async () => {
    const { send, commit } = await setup();
    send('a', { add: 'x' });
    send('a', { drop: true });
    expect(await commit()).toEqual([['a', null]]);
    send('a', { add: 'y' });
    expect(await commit()).toEqual([['a', { n: 1, seen: ['y'] }]]);
  });

  it('restores from the encoded changelog text into a fresh executor', async () => {
    const { send, commit } = await setup();
    send('a', { add: 'x' });
    send('a', { add: 'y' });
    const log = await commit();
    const fresh = new StageExecutor(spec, { app: 'app', clock: { now: () => 1000 }, logger: silentLogger, dlqTopic: 'dlq', partitionsOf: () => 1 });
    await fresh.open(0, async (apply) => { for (const [k, v] of log) apply('tally', k as string, Buffer.from(JSON.stringify(v))); });
    let off = 0n;
    fresh.submit({ topic: 'in', partition: 0, offset: off++, key: Buffer.from('a'), value: Buffer.from(JSON.stringify({ add: 'z' })), timestamp: 1, headers: {} });
    await fresh.drain();
    const out = fresh.takeCommittable().messages.filter((m) => m.topic.endsWith('tally-changelog')).map((m) => JSON.parse(m.value!.toString()));
    expect(out).toEqual([{ n: 3, seen: ['x', 'y', 'z'] }]);
  });
});
