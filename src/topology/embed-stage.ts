// The embed stage as the topology declares it: the processor with the ports it
// writes through, created when a task starts.
import type { EmbedConfig } from '../config/schema.js';
import type { StageSpec } from '../stream/stage.js';
import type { SignalsRecord } from '../records/signals-record.js';
import { createEmbedProcessor, embedStores, type EmbedPorts } from '../processors/embed/embed-processor.js';

/**
 * The embed stage as the topology declares it. `ports` may be a function so
 * the embedder and store are created only when a task starts (not when
 * `leadwire describe` builds the topology), and shared by every task.
 */
export function embedStageSpec(opts: {
  cfg: Pick<EmbedConfig, 'roles' | 'chunkMaxChars' | 'chunkOverlapMessages' | 'concurrency'>;
  ports: EmbedPorts | (() => EmbedPorts);
  inputTopic: string;
  /** Records of different conversations embedded at once (1 is right for the local embedder and store). */
  concurrency?: number;
}): StageSpec<SignalsRecord, never> {
  let shared: EmbedPorts | undefined;
  const ports = () => (shared ??= typeof opts.ports === 'function' ? opts.ports() : opts.ports);
  return {
    name: 'embed',
    doc: 'Vector per conversation chunk into the vector store (payload: conversation, language, tier, label, times); skips unchanged content hashes; deletes on erasure',
    input: { topic: opts.inputTopic, serde: 'json' },
    outputs: {},
    stores: embedStores,
    processor: () => createEmbedProcessor(opts.cfg, ports()),
    concurrency: opts.concurrency ?? opts.cfg.concurrency,
  };
}
