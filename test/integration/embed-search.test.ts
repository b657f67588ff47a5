// The embed stage and semantic search on real parts: signals records on Kafka → the embed stage on
// the Kafka runtime with the ONNX embedder (all-MiniLM-L6-v2 from Maven Central, fetched by
// `stack up`) → the stack's real Qdrant → search through the function the CLI uses and through the
// HTTP API the lead board calls, wired from configuration as `leadwire serve` wires it.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { QdrantClient } from '@qdrant/js-client-rest';
import { loadConfig } from '../../src/config/load.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { leadwireTopics } from '../../src/topology/topics.js';
import { startKafkaRuntime, type KafkaRuntime } from '../../src/runtime/kafka/kafka-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import { createEmbedder } from '../../src/adapters/embedder/create-embedder.js';
import { createVectorStore } from '../../src/adapters/vector-store/create-vector-store.js';
import { searchConversations } from '../../src/search/search-conversations.js';
import { startLeadServer, type RunningLeadServer } from '../../src/topology/lead-server.js';
import type { SignalsRecord } from '../../src/records/signals-record.js';
import { createTopics, env, kafka, reader, uniqueId, waitFor } from '../helpers/kafka-kit.js';
import { onnxModelPath } from '../helpers/onnx-model.js';

/** Conversations that share no content words with the queries below: only meaning can match them. */
const CONVERSATIONS: Record<string, string[]> = {
  'c-login': ['Hi', 'I forgot my password and the reset email never arrives'],
  'c-quote': ['Good morning', 'How much would fifty packaging machines cost, shipped to Lima?'],
  'c-visit': ['Could we come and see your plant next Tuesday afternoon?'],
  'c-repair': ['The sealer we bought last year stopped heating, it needs fixing'],
  'c-weather': ['Is it going to rain in Bogotá tomorrow?'],
};

function signals(conversationId: string, bodies: string[], version: number): SignalsRecord {
  const transcript = bodies.map((body, i) => ({ id: `${conversationId}-${i}`, role: 'customer', body, createdAt: Date.UTC(2026, 4, 1, 10, i) }));
  return {
    schema: 'leadwire.signals.v1', conversationId, snapshotVersion: version, revision: 0,
    contentHash: createHash('sha256').update(bodies.join('\n')).digest('hex'),
    signals: [], implicit: { sentiment: { score: 0, label: 'neutral', messages: [] }, customerMessages: bodies.length, agentMessages: 0, agentResponseMedianMs: null, recencyMs: null, sharedContact: false },
    ruleScore: 0, tier: 'nurturing', rulesTier: 'nurturing', language: 'en', degraded: false,
    extractor: { rules: 'test', llm: null }, extractedAt: 0, transcript,
  } as SignalsRecord;
}

describe('embed stage with the ONNX embedder into the real Qdrant, and search over it', () => {
  const app = uniqueId('embed-onnx');
  const collection = app.replace(/[^A-Za-z0-9_-]/g, '_');
  const vars = {
    KAFKA_BROKERS: env.kafkaBrokers.join(','), LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: '3', LEADWIRE_INSTANCE_ID: 'e0',
    LEADWIRE_SOURCE_TOPIC: `${app}.source`, LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`,
    LEADWIRE_TOPIC_SIGNALS: `${app}.signals`, LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`,
    LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    EMBEDDER: 'onnx', EMBED_MODEL_PATH: onnxModelPath(), QDRANT_URL: env.qdrantUrl, QDRANT_COLLECTION: collection,
    LEADWIRE_API_TOKEN: 'embed-search-test-token-0123456789', LOG_LEVEL: 'warn',
  };
  const config = loadConfig(vars);
  let rt: KafkaRuntime | undefined;
  let server: RunningLeadServer | undefined;

  afterAll(async () => {
    await server?.close();
    await rt?.stop();
    await new QdrantClient({ url: env.qdrantUrl, checkCompatibility: false }).deleteCollection(collection).catch(() => undefined);
  });

  it('embeds every conversation once into Qdrant, dead-letters a broken record, and finds conversations by meaning', async () => {
    await createTopics(leadwireTopics(config).map((t) => t.name));
    rt = await startKafkaRuntime(buildTopology(config), { cfg: config.kafka, clock: { now: () => Date.now() }, logger: silentLogger, stages: [STAGE.embed] });
    await rt.ready;
    const dlq = await reader([config.topics.dlq]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const records = Object.entries(CONVERSATIONS).map(([cid, bodies], i) => signals(cid, bodies, i + 1));
    // The same content again (a replay): skipped by content hash, not embedded twice.
    records.push(signals('c-quote', CONVERSATIONS['c-quote']!, 99));
    await producer.send({
      topic: config.topics.signals,
      messages: [...records.map((r) => ({ key: r.conversationId, value: JSON.stringify(r) })), { key: 'c-broken', value: JSON.stringify({ schema: 'something else' }) }],
    });
    await producer.disconnect();

    const store = createVectorStore(config.embed);
    expect(store.kind).toBe('qdrant');
    await waitFor(async () => (await store.count().catch(() => 0)) === Object.keys(CONVERSATIONS).length, 120_000, 'one point per conversation in Qdrant');
    await dlq.waitFor(() => dlq.of(config.topics.dlq).length >= 1, 60_000, 'the broken record in the DLQ');
    expect(JSON.parse(dlq.of(config.topics.dlq)[0]!.value!)).toMatchObject({ stage: 'embed', reason: 'invalid_signals' });
    const [point] = await store.search(new Array(384).fill(1 / Math.sqrt(384)), { limit: 1, filter: { conversationId: 'c-quote' } });
    expect(point!.payload).toMatchObject({ conversation_id: 'c-quote', snapshot_version: 2, embedder: expect.stringMatching(/^onnx:all-minilm-l6-v2-q:/) });

    const embedder = createEmbedder(config.embed);
    const top = async (q: string) => (await searchConversations({ embedder, store }, q, { limit: 3 }))[0]?.conversationId;
    expect(await top("I can't log in to my account")).toBe('c-login');
    expect(await top('price for 50 packing machines delivered to Peru')).toBe('c-quote');
    expect(await top('a machine is broken and needs repair')).toBe('c-repair');

    // The board's search: GET /search on the API server, wired from the configuration.
    server = await startLeadServer(config, { logger: silentLogger, port: 0, host: '127.0.0.1' });
    const res = await fetch(`${server.url}/search?q=${encodeURIComponent('reset my password')}&limit=2`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ conversationId: string; similarity: number; excerpt: string }> };
    expect(body.results[0]).toMatchObject({ conversationId: 'c-login', excerpt: expect.stringContaining('password') });
    expect(body.results[0]!.similarity).toBeGreaterThan(body.results[1]!.similarity);
  });
});
