// The VectorStore contract against the in-process store (in memory and file-backed). The same suite
// runs against the real Qdrant of the stack in test/integration/qdrant.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';
import { runVectorStoreContract, type ContractTarget } from '../../contract/vector-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'leadwire-vs-'));
let n = 0;

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
];

for (const t of targets) runVectorStoreContract(t);
