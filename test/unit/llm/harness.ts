// Shared set-up for the LLM unit tests: an extractor built from config
// against the fake OpenAI server (a test double), snapshots built through the
// production path (normalize's cleaning and redaction, the window's transcript).
import { llmSchema, type LlmConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import { snapshotFromConversation } from '../../../src/eval/conversation-snapshot.js';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { extractRules } from '../../../src/processors/extract/extract-rules.js';
import { buildLlmExtractor, type BuildLlmExtractorDeps } from '../../../src/topology/build-llm-extractor.js';
import type { LlmExtractor } from '../../../src/processors/extract/extract-processor.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import type { FakeOpenAiServer } from '../../helpers/fake-openai-server.js';

export const catalog = loadCatalog('default');

export function llmConfig(server: FakeOpenAiServer, over: Record<string, unknown> = {}): LlmConfig {
  return llmSchema.parse({
    model: 'fake-model', baseUrl: server.baseUrl, cache: 'memory',
    retries: 2, retryInitialDelayMs: 5, retryMaxDelayMs: 50, timeoutMs: 2_000,
    breakerFailureThreshold: 3, breakerOpenMs: 60_000,
    // Most tests exercise the call path: the gate is off unless a test turns it on.
    gate: false, ...over,
  });
}

export function makeExtractor(server: FakeOpenAiServer, over: Record<string, unknown> = {}, deps: Partial<BuildLlmExtractorDeps> = {}): LlmExtractor {
  const x = buildLlmExtractor(llmConfig(server, over), { logger: silentLogger, ...deps });
  if (!x) throw new Error('expected an extractor');
  return x;
}

export type Msg = { role: 'customer' | 'agent'; body: string };

export function snapshotOf(id: string, messages: Msg[], opts: { startMs?: number; stepMs?: number } = {}): ConversationSnapshot {
  const start = opts.startMs ?? 1_700_000_000_000;
  const step = opts.stepMs ?? 20_000;
  return snapshotFromConversation({
    conversation_id: id, label: 'high',
    messages: messages.map((m, i) => ({ ...m, created_at: start + i * step })),
  });
}

export function rulesOf(s: ConversationSnapshot) {
  return extractRules(s, catalog, s.lastMessageAt + 1_000);
}
