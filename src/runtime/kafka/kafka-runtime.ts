import type { Logger } from 'pino';
import type { KafkaConfig } from '../../config/schema.js';
import type { Clock } from '../../stream/processor-api.js';
import type { TopologySpec } from '../../stream/stage.js';
import { createKafka } from '../../adapters/kafka/kafka-factory.js';
import { ensureTopics, partitionCounts } from '../../adapters/kafka/topic-admin.js';
import { KafkaStageRunner } from './kafka-stage-runner.js';
import { changelogTopic } from '../../stream/stage.js';

export interface KafkaRuntime {
  runners: KafkaStageRunner[];
  /** Resolves when every stage has started once (joined its group). */
  ready: Promise<void>;
  /** Resolves when every stage has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the named stages of the topology on Kafka, each as its own consumer
 * group. A stage whose commit fails rebuilds itself from committed state
 * (offsets + changelog) after a backoff; the process keeps running.
 */
export async function startKafkaRuntime(topology: TopologySpec, deps: { cfg: KafkaConfig; clock: Clock; logger: Logger; stages: string[]; ensureTopics?: boolean }): Promise<KafkaRuntime> {
  const kafka = createKafka(deps.cfg, deps.logger);
  const admin = kafka.admin();
  await admin.connect();
  const unknown = deps.stages.filter((s) => !topology.stages.some((st) => st.name === s));
  if (unknown.length) throw new Error(`unknown stage(s) ${unknown.join(', ')}; the topology has ${topology.stages.map((s) => s.name).join(', ')}`);
  if (deps.ensureTopics !== false) await ensureTopics(admin, topology.topics, { partitions: deps.cfg.partitions, replicationFactor: deps.cfg.replicationFactor });
  const counts = await partitionCounts(admin, topology.topics.map((t) => t.name));
  const partitionsOf = (topic: string) => {
    const n = counts.get(topic);
    if (n === undefined) throw new Error(`topic ${topic} is not in the topology`);
    return n;
  };
  // Changelog partitions follow their stage's input partitions.
  for (const st of topology.stages) for (const s of st.stores) counts.set(changelogTopic(topology.app, st.name, s), partitionsOf(st.input.topic));

  const specs = topology.stages.filter((s) => deps.stages.includes(s.name));
  let stopping = false;
  const runners: KafkaStageRunner[] = [];
  const startedOnce: Array<() => void> = [];
  const ready = Promise.all(specs.map(() => new Promise<void>((r) => startedOnce.push(r)))).then(() => undefined);
  const loops = specs.map(async (spec, i) => {
    let attempt = 0;
    while (!stopping) {
      const runner = new KafkaStageRunner(spec, { kafka, admin, cfg: deps.cfg, app: topology.app, clock: deps.clock, logger: deps.logger, dlqTopic: topology.dlqTopic, partitionsOf });
      runners.push(runner);
      try {
        await runner.start();
        startedOnce[i]!();
        attempt = 0;
        const err = await runner.exited;
        if (!err || stopping) return;
        await runner.stop().catch(() => {});
      } catch (err) {
        deps.logger.error({ err, stage: spec.name }, 'stage could not start');
        await runner.stop().catch(() => {});
      } finally {
        runners.splice(runners.indexOf(runner), 1);
      }
      attempt++;
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      deps.logger.warn({ stage: spec.name, delay }, 'restarting stage from committed state');
      await new Promise((r) => setTimeout(r, delay));
    }
  });
  const done = Promise.all(loops).then(() => admin.disconnect().catch(() => {}));
  return {
    runners,
    ready,
    done,
    async stop() {
      stopping = true;
      await Promise.all(runners.map((r) => r.stop()));
      await done;
    },
  };
}
