// The API over the local runtime, as `leadwire start` runs it: the bundled
// samples through the whole topology, the read model fed from its topics, and
// feedback landing on its feedback topic where the feedback stage accepts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { sourceTopic } from '../../../src/config/schema.js';
import { buildTopology } from '../../../src/topology/topology.js';
import { createLocalRuntime, type LocalRuntime } from '../../../src/runtime/local-runtime.js';
import { sampleEvents } from '../../../src/sources/sample-source.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startLeadServer, type RunningLeadServer } from '../../../src/topology/lead-server.js';

const config = loadConfig({ LEADWIRE_API_TOKEN: 'local-test-token-0123456789', HTTP_PORT: '0' });
let rt: LocalRuntime;
let server: RunningLeadServer;

beforeAll(async () => {
  rt = createLocalRuntime(buildTopology(config), { clock: { now: () => Date.now() }, logger: silentLogger, partitions: config.kafka.partitions });
  // Half the samples before the server starts (it must read what is there), half after (live).
  const events = sampleEvents();
  const half = Math.floor(events.length / 2);
  for (const e of events.slice(0, half)) rt.produce(sourceTopic(config.topics), { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
  await rt.runUntilIdle({ flushWallTimers: true });
  server = await startLeadServer(config, { runtime: rt, logger: silentLogger, search: null, port: 0 });
  for (const e of events.slice(half)) rt.produce(sourceTopic(config.topics), { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
  await rt.runUntilIdle({ flushWallTimers: true });
});
afterAll(async () => {
  await server?.close();
  await rt?.stop();
});

describe('API over the local runtime', () => {
  it('lists every scored conversation, the qualified ones with quoted reasons', async () => {
    const scored = new Set(rt.read<{ conversationId: string }>(config.topics.leadScores).map((r) => r.value.conversationId));
    const page = await (await fetch(`${server.url}/leads?limit=200`)).json() as { leads: Array<{ conversationId: string; tier: string; topReasons: Array<{ quote: string | null }> }>; total: number };
    expect(page.total).toBe(scored.size);
    const qualified = page.leads.filter((l) => l.tier === 'qualified');
    expect(qualified.length).toBeGreaterThan(0);
    for (const l of qualified) expect(l.topReasons.some((r) => r.quote)).toBe(true);
    const detail = await (await fetch(`${server.url}/leads/${qualified[0]!.conversationId}`)).json() as { transcript: unknown[]; history: unknown[] };
    expect(detail.transcript.length).toBeGreaterThan(0);
    expect(detail.history.length).toBeGreaterThan(0);
  });

  it('puts feedback on the runtime feedback topic, where the feedback stage takes it (no dead letter)', async () => {
    const lead = ((await (await fetch(`${server.url}/leads?tier=qualified`)).json()) as { leads: Array<{ conversationId: string }> }).leads[0]!;
    const res = await fetch(`${server.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ conversationId: lead.conversationId, label: 'good', actor: 'test' }),
    });
    expect(res.status).toBe(202);
    const dlqBefore = rt.read(config.topics.dlq).length;
    await rt.runUntilIdle();
    const fb = rt.read<{ conversation_id: string; label: string }>(config.topics.feedback);
    expect(fb.map((r) => [r.key, r.value.conversation_id, r.value.label])).toEqual([[lead.conversationId, lead.conversationId, 'good']]);
    expect(rt.read(config.topics.dlq).length).toBe(dlqBefore);
    const detail = await (await fetch(`${server.url}/leads/${lead.conversationId}`)).json() as { label: string; feedback: Array<{ actor: string }> };
    expect(detail.label).toBe('good');
    expect(detail.feedback.map((f) => f.actor)).toEqual(['test']);
  });
});
