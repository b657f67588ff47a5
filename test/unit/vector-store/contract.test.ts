// The VectorStore contract against every implementation reachable here: the
// in-process store (in memory and file-backed) and the Qdrant adapter talking
// to a server that validates each request against Qdrant's OpenAPI schema.
// With QDRANT_URL set, the same suite also runs against that real Qdrant.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';
import { createQdrantVectorStore } from '../../../src/adapters/vector-store/qdrant-vector-store.js';
import { runVectorStoreContract, type ContractTarget } from '../../contract/vector-store-contract.js';
import { startFakeQdrant, type FakeQdrant } from '../../helpers/fake-qdrant-server.js';
import { expect } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'leadwire-vs-'));
let n = 0;
let fake: FakeQdrant | undefined;
const fast = { retries: 1, initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };

const targets: ContractTarget[] = [
  { name: 'in-process', open: async () => createMemoryVectorStore() },
  {
    name: 'in-process, file-backed (reopened before every read)',
    async open() {
      // Writes through one instance, reads through a fresh one on the same file: what `start` then `search` do.
      const file = join(dir, `v${n++}.jsonl`);
      const writer = createMemoryVectorStore({ file });
      const reader = () => createMemoryVectorStore({ file });
      return {
        ...writer,
        kind: 'memory',
        search: (v, o) => reader().search(v, o),
        count: (f) => reader().count(f),
        labelOf: (c) => reader().labelOf(c),
      };
    },
  },
  {
    name: 'qdrant adapter ↔ OpenAPI-validating fake Qdrant',
    async open() {
      fake ??= await startFakeQdrant();
      return createQdrantVectorStore({ url: fake.url, collection: `contract_${n++}`, retry: fast });
    },
    async afterAll() {
      // Every request the adapter sent must have matched Qdrant's published schema.
      expect(fake!.violations).toEqual([]);
      expect(fake!.requests.length).toBeGreaterThan(20);
      await fake!.close();
    },
  },
];

if (process.env.QDRANT_URL) {
  const run = randomBytes(3).toString('hex');
  targets.push({
    name: `real Qdrant at ${process.env.QDRANT_URL}`,
    open: async () => createQdrantVectorStore({ url: process.env.QDRANT_URL!, ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}), collection: `leadwire_contract_${run}_${n++}` }),
  });
}

for (const t of targets) runVectorStoreContract(t);
