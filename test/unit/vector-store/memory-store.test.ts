import { describe, expect, it } from 'vitest';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';

describe('the in-process store log', () => {
  it('compacts a log that is mostly overwritten history, keeping every live point', async () => {
    const { mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'lw-vec-')), 'vectors.jsonl');
    const a = createMemoryVectorStore({ file });
    await a.ensureCollection(4);
    // 20 points, each overwritten 200 times: 4,000 log lines for 20 live points.
    for (let round = 0; round < 200; round++) {
      await a.upsert(Array.from({ length: 20 }, (_, i) => ({ id: `00000000-0000-5000-8000-${String(i).padStart(12, '0')}`, vector: [1, round, i, 1], payload: { conversation_id: String(i), chunk: 0, language: 'es', tier: null, label: null, last_message_at: round, content_hash: 'h', excerpt: 'x' } as never })));
    }
    const before = statSync(file).size;
    const b = createMemoryVectorStore({ file });
    expect(b.size).toBe(20);
    expect(statSync(file).size).toBeLessThan(before / 50);
    const c = createMemoryVectorStore({ file });
    expect(c.size).toBe(20);
    const hit = await c.search([1, 199, 3, 1], { limit: 1 });
    expect(hit[0]!.payload.conversation_id).toBe('3');
  });
});
