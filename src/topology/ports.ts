// Every port the topology's processors use, built here from the config and
// nowhere else: the LLM extractor, the embedder and vector store, the
// analytics store, the schema-registry encoder, the catalog and scoring models.
// A port given by the caller (a test, a bench, `start` sharing its vector
// store with the API) is used as it is.
import type { Logger } from 'pino';
import { analyticsDatabaseUrl, type Config } from '../config/schema.js';
import type { AnalyticsStore } from '../ports/analytics-store.js';
import type { Embedder } from '../ports/embedder.js';
import type { VectorStore } from '../ports/vector-store.js';
import { createAnalyticsStore } from '../adapters/analytics/create-analytics-store.js';
import { createEmbedder } from '../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../adapters/vector-store/create-vector-store.js';
import { createConfluentSchemaRegistry, registryPayloadEncoder } from '../adapters/schema-registry/schema-registry.js';
import { loadCatalog, type SignalCatalog } from '../processors/extract/catalog.js';
import type { LlmExtractor } from '../processors/extract/extract-processor.js';
import type { FeedbackLabelSink } from '../processors/feedback/feedback-processor.js';
import type { PayloadEncoder } from '../processors/score/score-processor.js';
import { loadScoringModel, readPointer, type ScoringModel } from '../processors/score/scoring-model.js';
import { buildLlmExtractor } from './build-llm-extractor.js';

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

/** The ports a topology is wired with: the cheap ones at hand, the ones that open connections behind a getter. */
export interface ResolvedPorts {
  catalog: SignalCatalog;
  scoringModel: ScoringModel;
  shadowScoringModel: ScoringModel | undefined;
  encodePayload: PayloadEncoder | undefined;
  llm: LlmExtractor | undefined;
  /** Created on first call (when a stage's task starts, not by `describe`); one per process, shared by every task. */
  embedder(): Embedder;
  vectorStore(): VectorStore;
  analytics(): AnalyticsStore;
  feedbackLabels(): FeedbackLabelSink;
}

export function resolvePorts(config: Config, ports: TopologyPorts = {}): ResolvedPorts {
  const scoringModel = ports.scoringModel ?? loadScoringModel(config.score.model);
  // A version under recalibration (scoring/SHADOW) runs in shadow unless one is named explicitly.
  const shadowName = config.score.shadowModel ?? (readPointer('shadow') ? 'shadow' : undefined);
  const shadowScoringModel = ports.shadowScoringModel ?? (shadowName ? loadScoringModel(shadowName) : undefined);
  // With a schema registry, lead scores and events go out in its wire format, validated against schemas/.
  const encodePayload = ports.encodePayload ?? (config.schemaRegistryUrl
    ? registryPayloadEncoder(createConfluentSchemaRegistry(config.schemaRegistryUrl), { leadScores: config.topics.leadScores, leadEvents: config.topics.leadEvents })
    : undefined);
  let embedder = ports.embedder;
  let vectorStore = ports.vectorStore;
  // Created lazily: describing the topology or running other stages opens no database connection.
  let analytics = ports.analytics;
  const vectorStorePort = () => (vectorStore ??= createVectorStore(config.embed));
  return {
    catalog: ports.catalog ?? loadCatalog(config.extract.catalog),
    scoringModel,
    shadowScoringModel,
    encodePayload,
    llm: ports.llm,
    embedder: () => (embedder ??= createEmbedder(config.embed)),
    vectorStore: vectorStorePort,
    analytics: () => (analytics ??= createAnalyticsStore(config.database)),
    // Labels land on the same vectors the embed stage writes, so similarity to good leads can use them.
    feedbackLabels: () => ports.feedbackLabels ?? { setConversationPayload: (cid, patch) => vectorStorePort().setConversationPayload(cid, patch) },
  };
}

/** The ports a process hands to the topology: the LLM extractor when a model is configured, plus the caller's. */
export function buildPorts(config: Config, deps: { logger: Logger }, extra: TopologyPorts = {}): TopologyPorts {
  const dbUrl = analyticsDatabaseUrl(config.database);
  const llm = buildLlmExtractor(config.llm, { logger: deps.logger, ...(dbUrl ? { databaseUrl: dbUrl, databaseSchema: config.database.schema } : {}) });
  if (llm) deps.logger.info({ model: llm.model, promptVersion: llm.promptVersion }, 'LLM extraction on');
  return { ...(llm ? { llm } : {}), ...extra };
}
