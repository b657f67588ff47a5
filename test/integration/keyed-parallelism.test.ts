// Keyed parallelism on the Kafka runtime: slow records of different keys overlap up
// to the stage's limit, one key stays in order, a record slower than the session
// timeout does not cost the group a rebalance, and outputs stay exactly-once.
import { afterAll, describe, expect, it } from 'vitest';
import { caughtUp, createTopics, env, kafka, reader, uniqueId } from '../helpers/kafka-kit.js';
import { loadConfig } from '../../src/config/load.js';
import { startKafkaRuntime, type KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Processor, ProcessorContext } from '../../src/stream/processor-api.js';
import type { TopologySpec } from '../../src/stream/stage.js';

describe('keyed parallelism on Kafka', () => {
  let rt: KafkaRuntime | undefined;
  afterAll(async () => { await rt?.stop(); });

  it('overlaps keys up to the limit, keeps per-key order, survives a record longer than the session timeout', async () => {
    const app = uniqueId('slow');
    const input = `${app}.in`;
    const output = `${app}.out`;
    await createTopics([input, output, `${app}.dlq`], 1);
    let running = 0;
    let maxRunning = 0;
    const started: string[] = [];
    const finished: string[] = [];
    const slow = (): Processor<{ id: string; ms: number }, string> => {
      let ctx!: ProcessorContext<string>;
      return {
        init(c) { ctx = c; },
        async process(r) {
          running++;
          maxRunning = Math.max(maxRunning, running);
          started.push(r.value!.id);
          await new Promise((res) => setTimeout(res, r.value!.ms));
          running--;
          finished.push(r.value!.id);
          ctx.forward({ key: r.key, value: r.value!.id });
        },
        close() {},
      };
    };
    const topology: TopologySpec = {
      app, dlqTopic: `${app}.dlq`,
      topics: [{ name: input, partitions: 1, doc: '' }, { name: output, partitions: 1, doc: '' }, { name: `${app}.dlq`, partitions: 1, doc: '' }],
      stages: [{ name: 'slow', doc: 'test', input: { topic: input, serde: 'json' }, outputs: { default: { topic: output } }, stores: [], processor: slow, concurrency: 3 }],
    };
    const config = loadConfig({ KAFKA_BROKERS: env.kafkaBrokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000', LEADWIRE_INSTANCE_ID: 'slow-0' });
    rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: silentLogger, stages: ['slow'] });
    await rt.ready;
    const runner = rt.runners[0]!;
    const joinsBefore = runner.counters.joins;

    const out = await reader([output]);
    const producer = kafka.producer();
    await producer.connect();
    const recs = [
      { key: 'a', id: 'a1', ms: 9000 }, // longer than the 6 s session timeout
      { key: 'b', id: 'b1', ms: 1500 }, { key: 'c', id: 'c1', ms: 1500 }, { key: 'b', id: 'b2', ms: 100 },
      { key: 'd', id: 'd1', ms: 100 }, { key: 'e', id: 'e1', ms: 100 }, { key: 'a', id: 'a2', ms: 100 },
    ];
    await producer.send({ topic: input, messages: recs.map((r) => ({ key: r.key, value: JSON.stringify({ id: r.id, ms: r.ms }) })) });
    await producer.disconnect();
    await out.waitFor(() => out.records.length >= recs.length, 60_000, 'all outputs');
    // Nothing more will arrive: the stage committed all its input, the reader read its output to the end.
    await caughtUp(`${app}-slow`, input, 60_000);
    await out.readToEnd();

    const ids = out.records.map((r) => r.value && JSON.parse(r.value));
    expect(ids.sort()).toEqual(recs.map((r) => r.id).sort()); // each exactly once
    const pos = (id: string) => started.indexOf(id);
    expect(pos('b1')).toBeLessThan(pos('b2'));
    expect(pos('a1')).toBeLessThan(pos('a2'));
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThanOrEqual(2);
    // Overlap shown by order, not by the clock: the other keys started and finished while a1
    // (9 s, key a) was still running, and a2 waited for a1.
    for (const id of ['b1', 'c1', 'b2', 'd1', 'e1']) expect(finished.indexOf(id), id).toBeLessThan(finished.indexOf('a1'));
    expect(pos('a2')).toBeGreaterThan(started.indexOf('e1'));
    expect(finished.indexOf('a2')).toBeGreaterThan(finished.indexOf('a1'));
    // No rebalance while a1 ran past the session timeout: heartbeats went on.
    expect(runner.counters.joins).toBe(joinsBefore);
    expect(runner.counters.rebalances).toBe(0);
  }, 90_000);
});
