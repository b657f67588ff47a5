import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import { createExtractProcessor, type LlmExtractor } from '../../../src/processors/extract/extract-processor.js';
import type { SignalsRecord } from '../../../src/records/signals-record.js';
import { snapshotFromConversation } from '../../../src/eval/conversation-snapshot.js';
import { createTestDriver, ManualClock } from '../../../src/runtime/test-driver.js';
import type { StageSpec } from '../../../src/stream/stage.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/signals.v1.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

const catalog = loadCatalog('equipment-manufacturer');

function spec(llm?: LlmExtractor): StageSpec {
  return {
    name: 'extract', doc: 'test',
    input: { topic: 'leadwire.conversations.v1', serde: 'json' },
    outputs: { default: { topic: 'leadwire.signals.v1' } },
    stores: [],
    processor: () => createExtractProcessor({ catalog: 'default', concurrency: 1, messageCacheChars: 100_000 }, llm ? { catalog, llm } : { catalog }) as never,
    concurrency: 1,
  };
}

const snapshot = snapshotFromConversation({
  conversation_id: '1001', label: 'high', messages: [
    { role: 'customer', body: 'Buenas, hacemos 800 panes diarios y no damos abasto', created_at: 1_000 },
    { role: 'agent', body: 'Hola, le cuento', created_at: 61_000 },
    { role: 'customer', body: '¿Cuánto cuesta? Me pasan la ficha técnica y una cotización, mi número es [phone]', created_at: 120_000 },
  ],
});

describe('extract processor', () => {
  it('forwards a schema-valid signals record keyed by conversation id', async () => {
    const driver = await createTestDriver(spec(), { clock: new ManualClock(180_000) });
    await driver.pipe({ key: '1001', value: snapshot, timestamp: 120_000 });
    expect(driver.outputs).toHaveLength(1);
    expect(driver.outputs[0]!.record.key).toBe('1001');
    const rec = driver.values<SignalsRecord>()[0]!;
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.conversationId).toBe('1001');
    expect(rec.snapshotVersion).toBe(1);
    expect(rec.contentHash).toBe(snapshot.contentHash);
    expect(rec.degraded).toBe(false);
    expect(rec.extractor).toEqual({ rules: 'equipment-manufacturer@2+default@2', llm: null });
    expect(rec.tier).toBe('qualified');
    expect(rec.rulesTier).toBe('qualified');
    expect(rec.implicit.recencyMs).toBe(60_000);
    expect(rec.implicit.agentResponseMedianMs).toBe(60_000);
    const ids = rec.signals.map((s) => s.id);
    for (const id of ['asks_quote', 'asks_price', 'asks_spec_sheet', 'volume', 'demand_over_capacity']) expect(ids).toContain(id);
    await driver.close();
  });

  it('sends what is not a snapshot to the DLQ and skips tombstones', async () => {
    const driver = await createTestDriver(spec());
    await driver.pipe({ key: '1', value: { hello: 'world' } });
    await driver.pipe({ key: '1', value: null });
    expect(driver.outputs).toHaveLength(0);
    expect(driver.deadLetters).toHaveLength(1);
    expect(driver.deadLetters[0]!.reason).toBe('invalid_snapshot');
    await driver.close();
  });

  it('with a failing llm port, ships the rules result marked degraded', async () => {
    const llm: LlmExtractor = { model: 'm', promptVersion: 'p1', extract: async () => { throw new Error('down'); } };
    const driver = await createTestDriver(spec(llm));
    await driver.pipe({ key: '1001', value: snapshot });
    const rec = driver.values<SignalsRecord>()[0]!;
    expect(validate(rec)).toBe(true);
    expect(rec.degraded).toBe(true);
    expect(rec.extractor.llm).toBeNull();
    await driver.close();
  });

  it('the schema rejects a record without evidence', () => {
    const bad = { schema: 'leadwire.signals.v1', conversationId: '1', snapshotVersion: 1, contentHash: 'x', signals: [{ id: 'a', category: 'intent', weight: 1, confidence: 1, evidence: [], source: 'rules' }] };
    expect(validate(bad)).toBe(false);
  });
});
