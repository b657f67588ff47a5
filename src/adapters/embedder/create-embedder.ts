// The embedder the configuration asks for.
import { MODEL_PATH_HINT, type EmbedConfig } from '../../config/schema.js';
import { configError } from '../../core/errors.js';
import type { Embedder } from '../../ports/embedder.js';
import { createLocalEmbedder } from './local-embedder.js';
import { createOnnxEmbedder } from './onnx-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';

export function createEmbedder(cfg: EmbedConfig, env: NodeJS.ProcessEnv = process.env): Embedder {
  if (cfg.embedder === 'local') return createLocalEmbedder({ dimensions: cfg.dimensions ?? 512 });
  if (cfg.embedder === 'onnx') {
    if (!cfg.modelPath) throw configError(MODEL_PATH_HINT);
    return createOnnxEmbedder({
      modelPath: cfg.modelPath,
      batchSize: cfg.batchSize,
      requestsPerMinute: cfg.requestsPerMinute,
      tokensPerMinute: cfg.tokensPerMinute,
      ...(cfg.dimensions ? { dimensions: cfg.dimensions } : {}),
      ...(cfg.threads ? { threads: cfg.threads } : {}),
    });
  }
  const apiKey = cfg.apiKey ?? env.OPENAI_API_KEY;
  if (!cfg.baseUrl && !apiKey) throw configError('EMBEDDER=openai needs EMBED_BASE_URL (a compatible server) or EMBED_API_KEY / OPENAI_API_KEY');
  return createOpenAiEmbedder({
    ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
    model: cfg.model,
    ...(cfg.dimensions ? { dimensions: cfg.dimensions } : {}),
    batchSize: cfg.batchSize,
    timeoutMs: cfg.requestTimeoutMs,
    requestsPerMinute: cfg.requestsPerMinute,
    tokensPerMinute: cfg.tokensPerMinute,
  });
}
