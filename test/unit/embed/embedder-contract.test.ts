// The Embedder contract for the embedders that need nothing outside this process: the local hashing
// embedder, and the OpenAI-compatible one against the fake OpenAI server (test/helpers). The ONNX
// embedder runs the same suite with its real model in test/integration/onnx-embedder.test.ts.
import { createLocalEmbedder } from '../../../src/adapters/embedder/local-embedder.js';
import { createOpenAiEmbedder } from '../../../src/adapters/embedder/openai-embedder.js';
import { runEmbedderContract } from '../../contract/embedder-contract.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../helpers/fake-openai-server.js';

runEmbedderContract({ name: 'local hashing', batchSize: 4, open: () => createLocalEmbedder() });

let fake: FakeOpenAiServer | undefined;
const server = async () => (fake ??= await startFakeOpenAiServer());
const fast = { retries: 2, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 };
const openai = async (over: Partial<Parameters<typeof createOpenAiEmbedder>[0]> = {}) =>
  createOpenAiEmbedder({ baseUrl: (await server()).baseUrl, apiKey: 'sk-test', model: 'text-embedding-3-small', dimensions: 256, batchSize: 4, timeoutMs: 5_000, retry: fast, ...over });

runEmbedderContract({
  name: 'OpenAI-compatible ↔ fake OpenAI server',
  batchSize: 4,
  open: () => openai(),
  async broken() {
    (await server()).failAlways({ kind: 'status', status: 500 });
    return { embedder: await openai(), kind: 'unavailable', retriable: true };
  },
  async afterAll() {
    fake?.failAlways(null);
    await fake?.close();
  },
});
