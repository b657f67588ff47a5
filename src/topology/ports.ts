// The adapters a process hands to the topology, built once from the config.
// Processors only ever see these ports; this is where the real clients are made.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { TopologyPorts } from './topology.js';
import { buildLlmExtractor } from '../processors/extract/llm/build-llm-extractor.js';

export function buildPorts(config: Config, deps: { logger: Logger }, extra: TopologyPorts = {}): TopologyPorts {
  const llm = buildLlmExtractor(config.llm, { logger: deps.logger, ...(config.database.url ? { databaseUrl: config.database.url } : {}) });
  if (llm) deps.logger.info({ model: llm.model, promptVersion: llm.promptVersion }, 'LLM extraction on');
  return { ...(llm ? { llm } : {}), ...extra };
}
