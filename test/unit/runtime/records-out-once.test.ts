import { describe, expect, it } from 'vitest';
import { configSchema, sourceTopic } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import { registry } from '../../../src/core/metrics.js';
import { createLocalRuntime } from '../../../src/runtime/local-runtime.js';
import { sampleEvents } from '../../../src/sources/sample-source.js';
import { buildTopology, STAGE } from '../../../src/topology/topology.js';

/** leadwire_records_out_total by "stage/topic". */
async function recordsOut(): Promise<Map<string, number>> {
  const m = await registry.getSingleMetric('leadwire_records_out_total')!.get();
  return new Map(m.values.map((v) => [`${v.labels.stage}/${v.labels.topic}`, v.value]));
}

describe('leadwire_records_out_total', () => {
  it('counts each record a stage writes once, by the runtime, under the topic it went to', async () => {
    const config = configSchema.parse({});
    const t = config.topics;
    const full = buildTopology(config);
    // The stages that forward records; the sinks (embed, analytics, feedback) write none.
    const stages = full.stages.filter((s) => ([STAGE.normalize, STAGE.window, STAGE.extract, STAGE.score] as string[]).includes(s.name));
    const rt = createLocalRuntime({ ...full, stages }, { clock: { now: () => Date.now() }, logger: silentLogger, partitions: config.kafka.partitions });
    const before = await recordsOut();
    for (const e of sampleEvents()) rt.produce(sourceTopic(t), { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
    await rt.runUntilIdle({ flushWallTimers: true });
    const after = await recordsOut();
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

    const written = { signals: rt.read(t.signals).length, leadScores: rt.read(t.leadScores).length, leadEvents: rt.read(t.leadEvents).length };
    await rt.stop();
    expect(written.signals).toBeGreaterThan(0);
    expect(written.leadScores).toBeGreaterThan(0);
    expect(delta(`${STAGE.extract}/${t.signals}`)).toBe(written.signals);
    expect(delta(`${STAGE.score}/${t.leadScores}`)).toBe(written.leadScores);
    expect(delta(`${STAGE.score}/${t.leadEvents}`)).toBe(written.leadEvents);
    // The processors' own count (under short topic names) is gone: one series per real topic.
    for (const short of ['signals', 'lead-scores', 'lead-events']) {
      expect(delta(`${STAGE.extract}/${short}`) + delta(`${STAGE.score}/${short}`)).toBe(0);
    }
  });
});
