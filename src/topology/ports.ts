// The adapters a process hands to the topology, built once from the config.
// Processors only ever see these ports; this is where the real clients are made.
import type { Logger } from 'pino';
import { analyticsDatabaseUrl, type Config } from '../config/schema.js';
import type { TopologyPorts } from './topology.js';
import { buildLlmExtractor } from '../processors/extract/llm/build-llm-extractor.js';

export function buildPorts(config: Config, deps: { logger: Logger }, extra: TopologyPorts = {}): TopologyPorts {
  const dbUrl = analyticsDatabaseUrl(config.database);
  const llm = buildLlmExtractor(config.llm, { logger: deps.logger, ...(dbUrl ? { databaseUrl: dbUrl, databaseSchema: config.database.schema } : {}) });
  if (llm) deps.logger.info({ model: llm.model, promptVersion: llm.promptVersion }, 'LLM extraction on');
  return { ...(llm ? { llm } : {}), ...extra };
}
