// The whole leadwire topology in one place: sources, stages, stores, sinks and
// topic names. Both runtimes run exactly this; `leadwire describe` prints it.
import type { Config } from '../config/schema.js';
import { analyticsDatabaseUrl, sourceTopic } from '../config/schema.js';
import type { StageSpec, TopologySpec } from './stage.js';
import { leadwireTopics } from './topics.js';
import { createNormalizeProcessor, MESSAGE_INDEX_STORE } from '../processors/normalize/normalize-processor.js';
import { createWindowProcessor, CONVERSATION_STORE } from '../processors/window/window-processor.js';
import { loadCatalog } from '../processors/extract/catalog.js';
import { createHotTriggerDetector } from '../processors/extract/hot-trigger.js';
import type { SignalCatalog } from '../processors/extract/catalog.js';
import { createAnalyticsSinkProcessor } from '../processors/score/analytics-sink.js';
import { createFeedbackProcessor, type FeedbackLabelSink } from '../processors/feedback/feedback-processor.js';
import { createAnalyticsStore } from '../adapters/analytics/create-analytics-store.js';
import type { AnalyticsStore } from '../adapters/analytics/analytics-store.js';
import { createConfluentSchemaRegistry, registryPayloadEncoder } from '../adapters/schema-registry/schema-registry.js';
import { createScoreProcessor, SCORE_STORE, ASSIGN_STORE, OUTPUT as SCORE_OUTPUT, type PayloadEncoder } from '../processors/score/score-processor.js';
import { loadScoringModel, readPointer, type ScoringModel } from '../processors/score/scoring-model.js';
import { createExtractProcessor, extractStores, type LlmExtractor } from '../processors/extract/extract-processor.js';
import { embedStageSpec } from '../processors/embed/embed-processor.js';
import { createEmbedder } from '../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../adapters/vector-store/create-vector-store.js';
import type { Embedder } from '../adapters/embedder/embedder.js';
import type { VectorStore } from '../adapters/vector-store/vector-store.js';

export const STAGE = {
  normalize: 'normalize',
  window: 'window',
  extract: 'extract',
  score: 'score',
  embed: 'embed',
  analytics: 'analytics',
  feedback: 'feedback',
} as const;
export type StageName = (typeof STAGE)[keyof typeof STAGE];

export const STORE = {
  messageIndex: MESSAGE_INDEX_STORE,
  conversations: CONVERSATION_STORE,
} as const;

export interface TopologyPorts {
  /** Embedder and vector store of the embed stage (default: from config.embed, created when the stage starts). */
  embedder?: Embedder;
  vectorStore?: VectorStore;
  /** Scoring models (default: loaded from config.score.model / shadowModel). */
  scoringModel?: ScoringModel;
  shadowScoringModel?: ScoringModel;
  /** Score history, feedback, scoring versions (default: PostgreSQL when DATABASE_URL is set, else in-process). */
  analytics?: AnalyticsStore;
  /** Where feedback labels go on the conversation's vectors (the VectorStore). */
  feedbackLabels?: FeedbackLabelSink;
  /** Schema-registry encoding of lead scores and events (when SCHEMA_REGISTRY_URL is set). */
  encodePayload?: PayloadEncoder;
  catalog?: SignalCatalog;
  /** Present when an LLM endpoint is configured; the rules always run. */
  llm?: LlmExtractor;
}

export function buildTopology(config: Config, ports: TopologyPorts = {}): TopologySpec {
  const t = config.topics;
  const catalog = ports.catalog ?? loadCatalog(config.extract.catalog);
  const detectHot = createHotTriggerDetector(catalog, config.window.hotTriggers);

  const normalize: StageSpec = {
    name: STAGE.normalize,
    doc: 'Validates Debezium envelopes, filters, cleans, detects language, redacts PII, resolves roles, dedupes; re-keys by conversation_id',
    input: { topic: sourceTopic(t), serde: 'bytes' },
    outputs: { default: { topic: t.messages } },
    stores: [{ name: STORE.messageIndex, doc: 'message id → conversation id, so deletes that carry only the key can be routed' }],
    processor: () => createNormalizeProcessor(config.normalize),
    concurrency: 1,
  };

  const window: StageSpec = {
    name: STAGE.window,
    doc: 'Per-conversation session window: bounded ordered transcript, counters; snapshots on gap, max delay or hot trigger',
    input: { topic: t.messages, serde: 'json' },
    outputs: { default: { topic: t.conversations } },
    // Serialized: 100k open conversations fit in a fraction of the memory of live objects.
    stores: [{ name: STORE.conversations, serialized: true, cacheSize: 2000, doc: 'conversation state: transcript, counters, pending changes, last emitted version/hash' }],
    processor: () => createWindowProcessor(config.window, { detectHot }),
    concurrency: 1,
    // A conversation's timers follow from its state: rebuilt at restore, not written per message.
    timers: 'derived',
    wallTimerIntervalMs: 1000,
  };

  const extract: StageSpec = {
    name: STAGE.extract,
    doc: 'Signals per snapshot: rules catalog always (evidence per signal), LLM when configured (validated JSON), implicit signals',
    input: { topic: t.conversations, serde: 'json' },
    outputs: { default: { topic: t.signals } },
    // With an LLM: conversations whose signals went out degraded, re-extracted on a wall timer.
    stores: extractStores(!!ports.llm),
    processor: () => createExtractProcessor(config.extract, { catalog, ...(ports.llm ? { llm: ports.llm } : {}) }),
    // LLM calls are slow: different conversations run at once, one conversation in order.
    concurrency: ports.llm ? config.extract.concurrency : 1,
    ...(ports.llm ? { wallTimerIntervalMs: 1000 } : {}),
  };

  const scoringModel = ports.scoringModel ?? loadScoringModel(config.score.model);
  // A version under recalibration (scoring/SHADOW) runs in shadow unless one is named explicitly.
  const shadowName = config.score.shadowModel ?? (readPointer('shadow') ? 'shadow' : undefined);
  const shadowModel = ports.shadowScoringModel ?? (shadowName ? loadScoringModel(shadowName) : undefined);
  // With a schema registry, lead scores and events go out in its wire format, validated against schemas/.
  const encodePayload = ports.encodePayload ?? (config.schemaRegistryUrl
    ? registryPayloadEncoder(createConfluentSchemaRegistry(config.schemaRegistryUrl), { leadScores: t.leadScores, leadEvents: t.leadEvents })
    : undefined);
  const score: StageSpec = {
    name: STAGE.score,
    doc: `Score 0–100, probability, tier with hysteresis and reasons (scoring ${scoringModel.version}${shadowModel ? `, shadow ${shadowModel.version}` : ''}); lead scores when material, lead events on tier transitions`,
    input: { topic: t.signals, serde: 'json' },
    outputs: { [SCORE_OUTPUT.scores]: { topic: t.leadScores }, [SCORE_OUTPUT.events]: { topic: t.leadEvents } },
    stores: [
      { name: SCORE_STORE, doc: 'per conversation: last tier and emitted score, score history, alerts sent, seller' },
      { name: ASSIGN_STORE, doc: 'round-robin counters of seller assignment' },
    ],
    processor: () => createScoreProcessor(config.score, {
      model: scoringModel,
      ...(shadowModel ? { shadow: shadowModel } : {}),
      ...(encodePayload ? { encode: encodePayload } : {}),
    }),
    concurrency: 1,
  };

  // Created when a stage starts (not by `describe`); one store shared by every task of the process.
  let vectorStore: VectorStore | undefined = ports.vectorStore;
  const vectorStorePort = () => (vectorStore ??= createVectorStore(config.embed));
  // Created lazily: describing the topology or running other stages opens no database connection.
  let analyticsStore: AnalyticsStore | undefined = ports.analytics;
  const analyticsPort = () => (analyticsStore ??= createAnalyticsStore(config.database));
  const analytics: StageSpec = {
    name: STAGE.analytics,
    doc: `Sink: every lead score into the analytics store (${analyticsDatabaseUrl(config.database) ? `PostgreSQL, schema ${config.database.schema}` : 'in-process'}): score history and the lead list, idempotent on the event id`,
    // Bytes: payloads may be in the schema registry's wire format.
    input: { topic: t.leadScores, serde: 'bytes' },
    outputs: {},
    stores: [],
    processor: () => createAnalyticsSinkProcessor({ analytics: analyticsPort() }),
    concurrency: 1,
  };
  const feedback: StageSpec = {
    name: STAGE.feedback,
    doc: 'Feedback labels (good | bad | won | lost) into the analytics store and onto the conversation vectors; precision of qualified in metrics',
    input: { topic: t.feedback, serde: 'json' },
    outputs: {},
    stores: [],
    // Labels land on the same vectors the embed stage writes, so similarity to good leads can use them.
    processor: () => createFeedbackProcessor({ analytics: analyticsPort(), vectors: ports.feedbackLabels ?? { setConversationPayload: (cid, patch) => vectorStorePort().setConversationPayload(cid, patch) } }),
    concurrency: 1,
  };

  const embed = embedStageSpec({
    cfg: config.embed,
    ports: () => ({ embedder: ports.embedder ?? createEmbedder(config.embed), store: vectorStorePort() }),
    inputTopic: t.signals,
    // The local embedder and in-process store are CPU-bound: concurrency only helps with network round trips.
    concurrency: config.embed.embedder === 'local' && !config.embed.qdrantUrl ? 1 : config.embed.concurrency,
  });

  return { app: config.appId, dlqTopic: t.dlq, topics: leadwireTopics(config), stages: [normalize, window, extract, embed, score, analytics, feedback] };
}

/** A human-readable description of the topology (`leadwire describe`). */
export function describeTopology(topo: TopologySpec): string {
  const lines: string[] = [`Topology ${topo.app}`, ''];
  for (const s of topo.stages) {
    lines.push(`Stage ${s.name}  (consumer group ${topo.app}-${s.name}, concurrency ${s.concurrency})`);
    lines.push(`  ${s.doc}`);
    lines.push(`  source  ${s.input.topic}  [${s.input.serde}]`);
    for (const [name, o] of Object.entries(s.outputs)) lines.push(`  sink    ${o.topic}${name === 'default' ? '' : `  (${name})`}`);
    for (const st of s.stores) lines.push(`  store   ${st.name}  → changelog ${topo.app}-${s.name}-${st.name}-changelog (compacted): ${st.doc}`);
    lines.push(`  store   __timers  → changelog ${topo.app}-${s.name}-__timers-changelog (compacted): event/wall timers`);
    lines.push(`  dlq     ${topo.dlqTopic}`);
    lines.push('');
  }
  lines.push('Topics');
  for (const t of topo.topics) lines.push(`  ${t.name}${t.compacted ? ' (compacted)' : ''}: ${t.doc}`);
  return lines.join('\n');
}
