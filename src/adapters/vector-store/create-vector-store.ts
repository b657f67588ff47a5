// The vector store the configuration asks for: Qdrant when QDRANT_URL is set,
// otherwise the in-process store persisted to a file.
import type { Logger } from 'pino';
import type { EmbedConfig } from '../../config/schema.js';
import { createMemoryVectorStore } from './memory-vector-store.js';
import { createQdrantVectorStore } from './qdrant-vector-store.js';
import type { VectorStore } from '../../ports/vector-store.js';

/** `readOnly`: the in-process store reads the vectors file without ever writing it (search next to a running `start`). */
export function createVectorStore(cfg: EmbedConfig, deps: { logger?: Logger; readOnly?: boolean } = {}): VectorStore {
  if (cfg.qdrantUrl) {
    return createQdrantVectorStore({
      url: cfg.qdrantUrl,
      ...(cfg.qdrantApiKey ? { apiKey: cfg.qdrantApiKey } : {}),
      collection: cfg.collection,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  }
  return createMemoryVectorStore({ file: cfg.vectorsFile, ...(deps.readOnly ? { readOnly: true } : {}) });
}
