// Benchmark 3: a fresh window worker restoring 100k conversations' state from
// its changelogs. The changelogs hold what the window itself writes (state and
// timer records, produced by the runtime's executor over open conversations),
// one record per key as after compaction; the time is the runner's own
// "partitions assigned and restored" measurement (read + apply), plus the
// wall time from start to ready.
import { startKafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import type { OutMessage } from '../../src/runtime/stage-executor.js';
import { changelogTopic, TIMER_STORE } from '../../src/stream/stage.js';
import { buildTopology, STAGE, STORE } from '../../src/topology/topology.js';
import {
  benchConfig, benchKafka, captureLogger, createTopics, deleteTopics, nowMs, pollUntil, uniqueId, type BenchArgs, type BenchResult,
} from './common.js';
import { produceAll } from './traffic.js';
import { fillWindow } from './window-fill.js';

export const RESTORE_TARGET_MS = 20_000;
/** Messages per conversation in the restored state: about the realistic mean (customer p50 7, plus agents). */
const PER_CONVERSATION = 10;

export async function restoreTime(args: BenchArgs, conversations = args.quick ? 10_000 : 100_000): Promise<BenchResult> {
  const kafka = benchKafka();
  const app = uniqueId('bench-restore');
  const { config } = benchConfig(app, { WINDOW_HOT_TRIGGERS: ',' });
  const P = config.kafka.partitions;
  const topology = buildTopology(config);
  const topics = [changelogTopic(app, STAGE.window, { name: STORE.conversations, doc: '' }), changelogTopic(app, STAGE.window, { name: TIMER_STORE, doc: '' })];
  await createTopics(kafka, [
    { name: config.topics.messages, partitions: P }, { name: config.topics.conversations, partitions: P },
    ...topics.map((name) => ({ name, partitions: P, compacted: true })),
  ]);
  try {
    const fillStarted = Date.now();
    const latest = new Map<string, OutMessage>();
    const executor = await fillWindow(config, {
      conversations, messagesPerConversation: PER_CONVERSATION, partitions: P,
      onCommit: (ms) => { for (const m of ms) if (topics.includes(m.topic)) latest.set(`${m.topic}\u0000${m.partition}\u0000${m.key}`, m); },
    });
    await executor.close();
    const fillMs = Date.now() - fillStarted;
    let bytes = 0;
    for (const topic of topics) {
      const recs = [...latest.values()].filter((m) => m.topic === topic);
      for (const m of recs) bytes += m.value?.length ?? 0;
      await produceAll(kafka, topic, recs.map((m) => ({ key: m.key, value: m.value, partition: m.partition })));
    }
    const records = latest.size;
    latest.clear();

    let restored: { ms: number; records: number } | undefined;
    const logger = captureLogger((line) => {
      if (line.msg === 'partitions assigned and restored') restored = { ms: line.ms as number, records: line.records as number };
    });
    const started = nowMs();
    const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger, stages: [STAGE.window] });
    let readyMs: number;
    let stateEntries = 0;
    try {
      readyMs = (await pollUntil(async () => restored !== undefined, 300_000, 'the window worker to restore', 20)) - started;
      // (The executor is the runner's own; reading its store size is all this needs.)
      stateEntries = (rt.runners[0] as unknown as { executor?: { storeSize(s: string): number } } | undefined)?.executor?.storeSize(STORE.conversations) ?? 0;
    } finally {
      await rt.stop();
    }
    const ms = restored!.ms;
    return {
      name: `window restore (${conversations / 1000}k conversations)`,
      unit: 'ms',
      value: ms,
      target: { kind: 'value<=', value: RESTORE_TARGET_MS },
      pass: ms <= RESTORE_TARGET_MS,
      details: {
        conversations, messagesPerConversation: PER_CONVERSATION, partitions: P, changelogRecords: records, restoredRecords: restored!.records,
        changelogMB: Math.round(bytes / 2 ** 20), restoredConversations: stateEntries, startToReadyMs: Math.round(readyMs), fillMs,
      },
    };
  } finally {
    await deleteTopics(kafka, app);
  }
}
