// Shared set-up for normalize's unit tests: the stage spec, a driver, fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeSchema, type NormalizeConfig } from '../../../src/config/schema.js';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import { MESSAGE_INDEX_STORE, createNormalizeProcessor, type NormalizeProcessor } from '../../../src/processors/normalize/normalize-processor.js';
import type { StageSpec } from '../../../src/stream/stage.js';
import { createTestDriver, type TestDriver } from '../../../src/runtime/test-driver.js';

export const SOURCE_TOPIC = 'wirechat.public.wire_messages';

export function normalizeConfig(overrides: Record<string, unknown> = {}): NormalizeConfig {
  return normalizeSchema.parse(overrides);
}

export function normalizeStage(cfg: NormalizeConfig, onCreate?: (p: NormalizeProcessor) => void): StageSpec<Buffer, NormalizedMessage> {
  return {
    name: 'normalize',
    doc: 'Debezium wire_messages → leadwire.messages.v1',
    input: { topic: SOURCE_TOPIC, serde: 'bytes' },
    outputs: { default: { topic: 'leadwire.messages.v1' } },
    stores: [{ name: MESSAGE_INDEX_STORE, doc: 'message id → conversation id, to route key-only deletes' }],
    concurrency: 1,
    processor: () => {
      const p = createNormalizeProcessor(cfg);
      onCreate?.(p);
      return p;
    },
  };
}

export interface Harness {
  driver: TestDriver;
  processor: NormalizeProcessor;
  /** Pipes raw bytes with a Debezium key. */
  pipe(key: string | null, value: Buffer | null, timestamp?: number): ReturnType<TestDriver['pipe']>;
  messages(): NormalizedMessage[];
}

export async function createHarness(overrides: Record<string, unknown> = {}): Promise<Harness> {
  let processor!: NormalizeProcessor;
  const driver = await createTestDriver(normalizeStage(normalizeConfig(overrides), (p) => { processor = p; }) as StageSpec);
  return {
    driver,
    processor,
    pipe: (key, value, timestamp = 1_714_557_600_000) => driver.pipe({ key, value, timestamp }),
    messages: () => driver.values<NormalizedMessage>(),
  };
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/debezium/', import.meta.url));

/** A fixture's exact bytes and the Debezium key for its row. */
export function fixture(name: string): { key: string; value: Buffer } {
  const value = readFileSync(`${FIXTURES}${name}`);
  const id = /"id"\s*:\s*(\d+)/.exec(value.toString('utf8'))?.[1];
  return { key: `{"id":${id}}`, value };
}
