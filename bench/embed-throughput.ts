// Embed stage throughput on the real stack: the embed stage (local embedder,
// in-process store) on the Kafka runtime, consuming leadwire.signals.v1
// records of realistic conversations (growing transcripts, as the extract
// stage emits them), against the raw kafkajs consumer on the same topic.
//   eval "$(node bin/leadwire.js stack env)"
//   npx tsx bench/embed-throughput.ts [--quick | --messages N] [--json]
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startKafkaRuntime } from '../src/runtime/kafka/kafka-runtime.js';
import type { EmbedPorts } from '../src/processors/embed/embed-processor.js';
import { embedStageSpec } from '../src/topology/embed-stage.js';
import type { Kafka } from 'kafkajs';
import { createLocalEmbedder } from '../src/adapters/embedder/local-embedder.js';
import { createMemoryVectorStore } from '../src/adapters/vector-store/memory-vector-store.js';
import { chunkTranscript } from '../src/processors/embed/chunk-transcript.js';
import type { Processor } from '../src/stream/processor-api.js';
import type { SignalsRecord } from '../src/records/signals-record.js';
import type { TopologySpec } from '../src/stream/stage.js';
import {
  benchConfig, benchKafka, captureLogger, createTopics, deleteTopics, nowMs, parseArgs, pollUntil, printResult, rawConsumerRate, uniqueId,
  type BenchArgs, type BenchResult,
  ratioResult,
} from './lib/common.js';
import { conversationTraffic, produceAll } from './lib/traffic.js';

export const EMBED_TARGET = 0.25;

/** `n` signals records: each conversation's transcript as it grows, a snapshot every three messages and at its end. */
export function signalsTraffic(n: number): SignalsRecord[] {
  const byConversation = new Map<string, ReturnType<typeof conversationTraffic>>();
  for (const m of conversationTraffic(n * 3)) {
    const list = byConversation.get(m.conversationId) ?? [];
    list.push(m);
    byConversation.set(m.conversationId, list);
  }
  const out: SignalsRecord[] = [];
  for (const [cid, msgs] of byConversation) {
    const transcript = msgs.filter((m) => m.body).map((m) => ({ id: m.id, role: m.sender.role, body: m.body!, createdAt: m.createdAt }));
    for (let end = 3; end <= transcript.length + 2 && out.length < n; end += 3) {
      const t = transcript.slice(0, Math.min(end, transcript.length));
      out.push({
        schema: 'leadwire.signals.v1', conversationId: cid, snapshotVersion: out.length, revision: 0,
        contentHash: createHash('sha256').update(t.map((x) => x.id + x.body).join('\n')).digest('hex'),
        signals: [], implicit: { sentiment: { score: 0, label: 'neutral', messages: [] }, customerMessages: 0, agentMessages: 0, agentResponseMedianMs: null, recencyMs: null, sharedContact: false },
        ruleScore: 0, tier: 'nurturing', rulesTier: 'nurturing', language: 'es', degraded: false,
        extractor: { rules: 'bench', llm: null }, extractedAt: 0, transcript: t,
      } as SignalsRecord);
    }
    if (out.length >= n) break;
  }
  return out;
}

/** One pass of the embed stage alone over `records` already on `topic`, under its own consumer group; records/s from its first record. */
export async function embedStagePass(kafka: Kafka, topic: string, records: SignalsRecord[], ports: EmbedPorts, concurrency: number): Promise<{ ms: number; points: number }> {
  const { config } = benchConfig(uniqueId('bench-embed-pass'), { LEADWIRE_TOPIC_SIGNALS: topic });
  let first = 0;
  let processed = 0;
  const spec = embedStageSpec({ cfg: config.embed, ports, inputTopic: topic, concurrency });
  const probed = {
    ...spec,
    processor: () => {
      const p = spec.processor() as Processor<SignalsRecord, never>;
      const inner = p.process.bind(p);
      p.process = async (r) => { if (!first) first = nowMs(); await inner(r); processed++; };
      return p;
    },
  };
  const topology: TopologySpec = { app: config.appId, dlqTopic: config.topics.dlq, topics: [{ name: topic, partitions: config.kafka.partitions, doc: '' }, { name: config.topics.dlq, partitions: 1, doc: '' }], stages: [probed] };
  const rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: captureLogger(undefined, 'warn'), stages: ['embed'] });
  let end: number;
  try {
    await pollUntil(async () => processed >= records.length && rt.runners.every((r) => r.stats.inFlight === 0), 900_000, 'embed to process every record', 10);
    await Promise.all(rt.runners.map((r) => r.commit()));
    end = nowMs();
  } finally {
    await rt.stop();
    await deleteTopics(kafka, config.appId);
  }
  return { ms: end - first, points: await ports.store.count() };
}

export async function run(args: BenchArgs = parseArgs(process.argv.slice(2), 20_000)): Promise<BenchResult> {
  const kafka = benchKafka();
  const app = uniqueId('bench-embed');
  const { config } = benchConfig(app);
  const topic = config.topics.signals;
  const records = signalsTraffic(args.messages);
  await createTopics(kafka, [{ name: topic, partitions: config.kafka.partitions }]);
  try {
    await produceAll(kafka, topic, records.map((r) => ({ key: r.conversationId, value: JSON.stringify(r) })));
    const raw = await rawConsumerRate(kafka, topic, records.length);
    const store = createMemoryVectorStore();
    const embedder = createLocalEmbedder();
    const { ms, points } = await embedStagePass(kafka, topic, records, { embedder, store }, 1);
    // The embedder alone on the same chunks: what the stage would do with no Kafka, state or store around it.
    const texts = records.flatMap((r) => chunkTranscript(r.transcript!, { roles: new Set(config.embed.roles), maxChars: config.embed.chunkMaxChars, overlapMessages: config.embed.chunkOverlapMessages }).map((c) => c.text));
    const t0 = nowMs();
    await embedder.embed(texts);
    const embedderOnly = texts.length / ((nowMs() - t0) / 1000);
    return ratioResult({
      name: 'embed stage throughput (local embedder, in-process store)', unit: 'records/s', count: records.length, ms, raw, target: EMBED_TARGET,
      details: {
        records: records.length, conversations: new Set(records.map((r) => r.conversationId)).size, points,
        meanTranscriptMessages: Math.round(records.reduce((s, r) => s + r.transcript!.length, 0) / records.length * 10) / 10,
        partitions: config.kafka.partitions, rawMs: Math.round(raw.ms), stageMs: Math.round(ms),
        embedderOnlyChunksPerSec: Math.round(embedderOnly),
      },
    });
  } finally {
    await deleteTopics(kafka, app);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2), 20_000);
  const r = await run(args);
  if (args.json) console.log(JSON.stringify(r, null, 2)); else { printResult(r); console.log(JSON.stringify(r.details)); }
  process.exit(0);
}
