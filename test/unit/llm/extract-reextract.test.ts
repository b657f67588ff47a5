// The extract processor with the LLM port during an outage: the rules result
// goes out degraded at once, and the conversation is extracted again on a wall
// timer with its latest snapshot once the endpoint is back.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExtractProcessor, extractStores, LLM_PENDING_STORE } from '../../../src/processors/extract/extract-processor.js';
import type { LlmExtractor } from '../../../src/processors/extract/extract-processor.js';
import type { SignalsRecord } from '../../../src/records/signals-record.js';
import { createTestDriver, ManualClock } from '../../../src/runtime/test-driver.js';
import type { StageSpec } from '../../../src/stream/stage.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../helpers/fake-openai-server.js';
import { catalog, makeExtractor, snapshotOf } from './harness.js';

const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(new URL('../../../schemas/signals.v1.json', import.meta.url), 'utf8')));

let server: FakeOpenAiServer;
beforeAll(async () => { server = await startFakeOpenAiServer(); });
afterAll(async () => { await server.close(); });
beforeEach(() => server.reset());

function spec(llm: LlmExtractor): StageSpec {
  return {
    name: 'extract', doc: 'test',
    input: { topic: 'leadwire.conversations.v1', serde: 'json' },
    outputs: { default: { topic: 'leadwire.signals.v1' } },
    stores: extractStores(true),
    processor: () => createExtractProcessor({ catalog: 'default', concurrency: 1, messageCacheChars: 100_000 }, { catalog, llm }) as never,
    concurrency: 1,
  };
}

const hot = snapshotOf('900', [
  { role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' },
  { role: 'customer', body: 'Pagamos por transferencia' },
]);

describe('extract processor with the LLM extractor', () => {
  it('emits schema-valid records carrying the LLM fields, model and prompt version', async () => {
    const driver = await createTestDriver(spec(makeExtractor(server)), { clock: new ManualClock(hot.lastMessageAt + 1_000) });
    await driver.pipe({ key: '900', value: hot, timestamp: hot.lastMessageAt });
    const rec = driver.values<SignalsRecord>()[0]!;
    expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
    expect(rec.degraded).toBe(false);
    expect(rec.revision).toBe(0);
    expect(rec.extractor.llm).toEqual({ model: 'fake-model', promptVersion: 'extract.v2' });
    expect(rec.llm?.basedOn.contentHash).toBe(hot.contentHash);
    await driver.close();
  });

  it('during an outage ships rules marked degraded, then re-extracts the latest snapshot when the endpoint is back', async () => {
    server.failAlways({ kind: 'status', status: 503 });
    const x = makeExtractor(server, { retries: 0, breakerFailureThreshold: 100, reextractDelayMs: 60_000, reextractMaxDelayMs: 240_000 });
    const clock = new ManualClock(hot.lastMessageAt + 1_000);
    const driver = await createTestDriver(spec(x), { clock });
    await driver.pipe({ key: '900', value: hot, timestamp: hot.lastMessageAt });
    let recs = driver.values<SignalsRecord>();
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ degraded: true, revision: 0, extractor: { llm: null } });
    expect(validate(recs[0])).toBe(true);
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(1);

    // Still down at the first retry: nothing new goes out, backoff doubles.
    await driver.advanceWallClock(60_000);
    expect(server.requests).toHaveLength(2);
    expect(driver.values()).toHaveLength(1);
    await driver.advanceWallClock(60_000);
    expect(server.requests).toHaveLength(2);

    server.failAlways(null);
    await driver.advanceWallClock(60_000);
    recs = driver.values<SignalsRecord>();
    expect(recs).toHaveLength(2);
    expect(recs[1]).toMatchObject({ degraded: false, revision: 1, snapshotVersion: hot.version, extractor: { llm: { model: 'fake-model' } } });
    expect(recs[1]!.llm).toBeTruthy();
    expect(validate(recs[1])).toBe(true);
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(0);
    await driver.close();
  });

  it('a deferred call is made once the conversation settles, as the next revision', async () => {
    const x = makeExtractor(server, { gate: true, settleMs: 15 * 60_000 });
    const clock = new ManualClock(hot.lastMessageAt + 1_000);
    const driver = await createTestDriver(spec(x), { clock });
    await driver.pipe({ key: '900', value: hot, timestamp: hot.lastMessageAt });
    let recs = driver.values<SignalsRecord>();
    expect(recs[0]).toMatchObject({ degraded: false, revision: 0, llm: null, extractor: { llm: null } });
    expect(server.requests).toHaveLength(0);
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(1);
    await driver.advanceWallClock(14 * 60_000);
    expect(server.requests).toHaveLength(0);
    await driver.advanceWallClock(60_000);
    expect(server.requests).toHaveLength(1);
    recs = driver.values<SignalsRecord>();
    expect(recs).toHaveLength(2);
    expect(recs[1]).toMatchObject({ revision: 1, snapshotVersion: hot.version, extractor: { llm: { model: 'fake-model' } } });
    expect(recs[1]!.llm?.basedOn.lastCustomerMessageId).toBe(hot.transcript.at(-1)!.id);
    expect(validate(recs[1])).toBe(true);
    expect('deferLlm' in recs[0]!).toBe(false);
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(0);
    await driver.close();
  });

  it('a successful newer snapshot clears the pending re-extraction', async () => {
    server.failNext({ kind: 'status', status: 500 });
    const x = makeExtractor(server, { retries: 0 });
    const clock = new ManualClock(hot.lastMessageAt + 1_000);
    const driver = await createTestDriver(spec(x), { clock });
    await driver.pipe({ key: '900', value: hot, timestamp: hot.lastMessageAt });
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(1);
    const newer = snapshotOf('900', [
      { role: 'customer', body: 'Necesito una cotización urgente para 500 unidades' },
      { role: 'customer', body: 'Pagamos por transferencia' },
      { role: 'customer', body: 'Y el envío a Cali cuánto cuesta?' },
    ]);
    await driver.pipe({ key: '900', value: { ...newer, version: 2 }, timestamp: newer.lastMessageAt });
    expect(driver.task.storeSize(LLM_PENDING_STORE)).toBe(0);
    await driver.advanceWallClock(10 * 60_000);
    expect(driver.values()).toHaveLength(2);
    await driver.close();
  });
});
