import { describe, expect, it } from 'vitest';
import { createTestDriver } from '../../../src/runtime/test-driver.js';
import { EMBED_STATE_STORE } from '../../../src/processors/embed/embed-processor.js';
import { embedStageSpec } from '../../../src/topology/embed-stage.js';
import { createLocalEmbedder } from '../../../src/adapters/embedder/local-embedder.js';
import { createMemoryVectorStore } from '../../../src/adapters/vector-store/memory-vector-store.js';
import { pointId } from '../../../src/ports/vector-store.js';
import type { Embedder } from '../../../src/ports/embedder.js';
import type { SignalsRecord, SignalsTranscriptEntry } from '../../../src/records/signals-record.js';
import { embedSchema } from '../../../src/config/schema.js';

const cfg = { ...embedSchema.parse({}), chunkMaxChars: 200, chunkOverlapMessages: 1 };

function countingEmbedder(): Embedder & { calls: string[][] } {
  const inner = createLocalEmbedder({ dimensions: 64 });
  const calls: string[][] = [];
  return { id: inner.id, dimensions: 64, maxInputChars: inner.maxInputChars, calls, async embed(t) { calls.push(t); return inner.embed(t); } };
}

const msg = (id: string, body: string, role: SignalsTranscriptEntry['role'] = 'customer', createdAt = 1000 * Number(id)): SignalsTranscriptEntry => ({ id, role, body, createdAt });

function signals(cid: string, transcript: SignalsTranscriptEntry[], over: Partial<SignalsRecord> = {}): SignalsRecord {
  return {
    schema: 'leadwire.signals.v1', conversationId: cid, snapshotVersion: 1, contentHash: `h1-${cid}`,
    signals: [], implicit: {} as SignalsRecord['implicit'], ruleScore: 0, tier: 'nurturing', language: 'es',
    degraded: false, extractor: { rules: 'default@1', llm: null }, revision: 0, rulesTier: 'nurturing', extractedAt: 0,
    transcript, ...over,
  } as SignalsRecord;
}

async function setup() {
  const embedder = countingEmbedder();
  const store = createMemoryVectorStore();
  const driver = await createTestDriver(embedStageSpec({ cfg, ports: { embedder, store }, inputTopic: 'signals' }) as never);
  return { embedder, store, driver };
}

describe('embed processor', () => {
  it('writes one point per chunk with the payload search and scoring filter on', async () => {
    const { store, driver } = await setup();
    await driver.pipe({ key: '7', value: signals('7', [msg('1', 'hola, quiero una cotización de 50 máquinas'), msg('2', 'claro', 'agent'), msg('3', 'para Bogotá')], { tier: 'qualified' }) });
    expect(await store.count()).toBe(1);
    const [hit] = await store.search((await createLocalEmbedder({ dimensions: 64 }).embed(['cotización máquinas']))[0]!, { limit: 1 });
    expect(hit!.id).toBe(pointId('7', 0));
    expect(hit!.payload).toMatchObject({
      conversation_id: '7', chunk: 0, chunks: 1, tier: 'qualified', language: 'es', label: null,
      first_message_at: 1000, last_message_at: 3000, snapshot_version: 1, content_hash: 'h1-7',
      text: 'hola, quiero una cotización de 50 máquinas\npara Bogotá',
    });
    expect(driver.outputs).toEqual([]);
    expect(driver.deadLetters).toEqual([]);
  });

  it('skips a conversation whose content hash did not change, but writes a changed tier', async () => {
    const { store, driver, embedder } = await setup();
    const t = [msg('1', 'precio de la máquina')];
    await driver.pipe({ key: '1', value: signals('1', t) });
    await driver.pipe({ key: '1', value: signals('1', t, { revision: 1 }) });
    expect(embedder.calls).toHaveLength(1);
    await driver.pipe({ key: '1', value: signals('1', t, { tier: 'qualified', revision: 2 }) });
    expect(embedder.calls).toHaveLength(1);
    expect(await store.count({ tier: 'qualified' })).toBe(1);
    await driver.pipe({ key: '1', value: signals('1', [...t, msg('2', 'y el envío?')], { contentHash: 'h2', snapshotVersion: 2 }) });
    expect(embedder.calls).toHaveLength(2);
  });

  it('replays overwrite: the same records twice leave the same points', async () => {
    const a = await setup();
    const b = await setup();
    const recs = [signals('1', [msg('1', 'uno')]), signals('2', [msg('2', 'dos')]), signals('1', [msg('1', 'uno'), msg('3', 'tres')], { contentHash: 'h2' })];
    for (const r of recs) await a.driver.pipe({ key: r.conversationId, value: r });
    for (const r of [...recs, ...recs]) await b.driver.pipe({ key: r.conversationId, value: r });
    expect(await b.store.count()).toBe(await a.store.count());
    expect(await b.store.count()).toBe(2);
  });

  it('removes the tail chunks of a conversation that shrank', async () => {
    const { store, driver } = await setup();
    const long = Array.from({ length: 8 }, (_, i) => msg(String(i + 1), `mensaje número ${i + 1} con algo de texto para llenar el bloque`));
    await driver.pipe({ key: '5', value: signals('5', long) });
    const n = await store.count({ conversationId: '5' });
    expect(n).toBeGreaterThan(2);
    await driver.pipe({ key: '5', value: signals('5', long.slice(0, 2), { contentHash: 'h-short' }) });
    expect(await store.count({ conversationId: '5' })).toBe(1);
  });

  it('deletes every point on an emptied conversation and on a tombstone (erasure)', async () => {
    const { store, driver } = await setup();
    await driver.pipe({ key: '1', value: signals('1', [msg('1', 'hola')]) });
    await driver.pipe({ key: '2', value: signals('2', [msg('2', 'hola')]) });
    await driver.pipe({ key: '1', value: signals('1', [], { contentHash: 'empty' }) });
    expect(await store.count({ conversationId: '1' })).toBe(0);
    await driver.pipe({ key: '2', value: null });
    expect(await store.count()).toBe(0);
    // The state store's changelog ends with a delete for both: a restored task starts clean.
    const last = new Map(driver.changelog.filter((w) => w.store === EMBED_STATE_STORE).map((w) => [w.key, w.value]));
    expect(Object.fromEntries(last)).toEqual({ 1: null, 2: null });
  });

  it('keeps a feedback label across a re-embed', async () => {
    const { store, driver } = await setup();
    await driver.pipe({ key: '1', value: signals('1', [msg('1', 'quiero comprar')]) });
    await store.setConversationPayload('1', { label: 'good' });
    await driver.pipe({ key: '1', value: signals('1', [msg('1', 'quiero comprar'), msg('2', 'dos')], { contentHash: 'h2' }) });
    expect(await store.labelOf('1')).toBe('good');
  });

  it('dead-letters records it cannot use and embeds again after an embedder failure', async () => {
    const { store, driver } = await setup();
    await driver.pipe({ key: 'x', value: { schema: 'something-else' } });
    await driver.pipe({ key: 'y', value: signals('y', [msg('1', 'a')], { transcript: undefined }) });
    expect(driver.deadLetters.map((d) => d.reason)).toEqual(['invalid_signals', 'missing_transcript']);

    let fail = true;
    const flaky: Embedder = { id: 'flaky', dimensions: 8, maxInputChars: 1000, async embed(t) { if (fail) throw new Error('endpoint down'); return t.map(() => [1, 0, 0, 0, 0, 0, 0, 0]); } };
    const d2 = await createTestDriver(embedStageSpec({ cfg, ports: { embedder: flaky, store }, inputTopic: 'signals' }) as never);
    await d2.pipe({ key: 'z', value: signals('z', [msg('1', 'a')]) });
    expect(d2.deadLetters.map((d) => d.reason)).toEqual(['embed_failed']);
    fail = false;
    await d2.pipe({ key: 'z', value: signals('z', [msg('1', 'a')]) });
    expect(await store.count({ conversationId: 'z' })).toBe(1);
  });
});
