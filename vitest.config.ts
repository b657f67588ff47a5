import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Tests (and the workers they spawn) keep the in-process vector store's file
// apart from the one `leadwire start` and `leadwire search` share.
process.env.LEADWIRE_VECTORS_FILE ??= join(tmpdir(), `leadwire-test-vectors-${process.pid}.jsonl`);
// Likewise the reader's checkpoint and other state: never the person's own state directory.
process.env.LEADWIRE_STATE_DIR ??= join(tmpdir(), `leadwire-test-state-${process.pid}`);

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Integration tests share one real stack (Kafka, Connect, PostgreSQL): run files one at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
