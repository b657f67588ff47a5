// The whole leadwire topology in one place: sources, stages, stores, sinks and
// topic names. Both runtimes run exactly this; `leadwire describe` prints it.
import type { Config } from '../config/schema.js';
import { analyticsDatabaseUrl, sourceTopic } from '../config/schema.js';
import type { StageSpec, TopologySpec } from '../stream/stage.js';
import { leadwireTopics } from './topics.js';
import { createNormalizeProcessor, MESSAGE_INDEX_STORE } from '../processors/normalize/normalize-processor.js';
import { createWindowProcessor, CONVERSATION_STORE } from '../processors/window/window-processor.js';
import { windowStateCodec } from '../processors/window/state-codec.js';
import { createHotTriggerDetector } from '../processors/extract/hot-trigger.js';
import { createAnalyticsSinkProcessor } from '../processors/score/analytics-sink.js';
import { createFeedbackProcessor } from '../processors/feedback/feedback-processor.js';
import { createScoreProcessor, scoreStateCodec, SCORE_STORE, ASSIGN_STORE, OUTPUT as SCORE_OUTPUT } from '../processors/score/score-processor.js';
import { createExtractProcessor, extractStores } from '../processors/extract/extract-processor.js';
import { embedStageSpec } from './embed-stage.js';
import { resolvePorts, type TopologyPorts } from './ports.js';
import './domain-metrics.js';

export type { TopologyPorts };

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

export function buildTopology(config: Config, given: TopologyPorts = {}): TopologySpec {
  const t = config.topics;
  const ports = resolvePorts(config, given);
  const catalog = ports.catalog;
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
    stores: [{ name: STORE.conversations, serialized: true, cacheSize: 2000, codec: windowStateCodec, doc: 'conversation state: transcript, counters, pending changes, last emitted version/hash' }],
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

  const scoringModel = ports.scoringModel;
  const shadowModel = ports.shadowScoringModel;
  const encodePayload = ports.encodePayload;
  const score: StageSpec = {
    name: STAGE.score,
    doc: `Score 0–100, probability, tier with hysteresis and reasons (scoring ${scoringModel.version}${shadowModel ? `, shadow ${shadowModel.version}` : ''}); lead scores when material, lead events on tier transitions`,
    input: { topic: t.signals, serde: 'json' },
    outputs: { [SCORE_OUTPUT.scores]: { topic: t.leadScores }, [SCORE_OUTPUT.events]: { topic: t.leadEvents } },
    stores: [
      { name: SCORE_STORE, codec: scoreStateCodec, doc: 'per conversation: last tier and emitted score, score history, alerts sent, seller' },
      { name: ASSIGN_STORE, doc: 'round-robin counters of seller assignment' },
    ],
    processor: () => createScoreProcessor(config.score, {
      model: scoringModel,
      ...(shadowModel ? { shadow: shadowModel } : {}),
      ...(encodePayload ? { encode: encodePayload } : {}),
    }),
    concurrency: 1,
  };

  const analytics: StageSpec = {
    name: STAGE.analytics,
    doc: `Sink: every lead score into the analytics store (${analyticsDatabaseUrl(config.database) ? `PostgreSQL, schema ${config.database.schema}` : 'in-process'}): score history and the lead list, idempotent on the event id`,
    // Bytes: payloads may be in the schema registry's wire format.
    input: { topic: t.leadScores, serde: 'bytes' },
    outputs: {},
    stores: [],
    processor: () => createAnalyticsSinkProcessor({ analytics: ports.analytics() }),
    concurrency: 1,
  };
  const feedback: StageSpec = {
    name: STAGE.feedback,
    doc: 'Feedback labels (good | bad | won | lost) into the analytics store and onto the conversation vectors; precision of qualified in metrics',
    input: { topic: t.feedback, serde: 'json' },
    outputs: {},
    stores: [],
    processor: () => createFeedbackProcessor({ analytics: ports.analytics(), vectors: ports.feedbackLabels() }),
    concurrency: 1,
  };

  const embed = embedStageSpec({
    cfg: config.embed,
    ports: () => ({ embedder: ports.embedder(), store: ports.vectorStore() }),
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
