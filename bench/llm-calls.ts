// LLM calls on realistic traffic, through window + extract on the local
// runtime, with the fake OpenAI server (a TEST DOUBLE: a keyword heuristic,
// not a model) as the endpoint. Prints:
//  1. LLM calls per 1,000 messages on a replay of 800 conversations shaped like
//     the real export (target ≤ 150), and the quality check: every
//     conversation that ends qualified went through the LLM after its last
//     substantive customer message.
//  2. Time from a hot-trigger message to its signals, live (target ≤ 2 s plus
//     the endpoint's latency).
// Usage: node bin/run-ts.js bench/llm-calls.ts [--conversations N] [--latency MS] [--json]
import pino from 'pino';
import { loadConfig } from '../src/config/load.js';
import { registry } from '../src/core/metrics.js';
import { buildLlmExtractor } from '../src/topology/build-llm-extractor.js';
import type { SignalsRecord } from '../src/records/signals-record.js';
import type { NormalizedMessage } from '../src/records/normalized-message.js';
import type { ConversationSnapshot } from '../src/records/conversation-snapshot.js';
import { substantiveCustomerIds } from '../src/processors/extract/llm/llm-gate.js';
import { createLocalRuntime } from '../src/runtime/local-runtime.js';
import { buildTopology } from '../src/topology/topology.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../test/helpers/fake-openai-server.js';
import { generateConversations, quantile } from '../test/helpers/traffic.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : def; };
const CONVERSATIONS = arg('--conversations', 800);
const LATENCY_MS = arg('--latency', 300);
const HOT_SAMPLES = arg('--hot', 10);
const json = argv.includes('--json');
const logger = pino({ level: 'silent' });

function configFor(server: FakeOpenAiServer) {
  return loadConfig({
    LLM_MODEL: 'fake-model', LLM_BASE_URL: server.baseUrl, LLM_CACHE: 'memory',
    LLM_REQUESTS_PER_MINUTE: '100000', LLM_TOKENS_PER_MINUTE: '100000000',
    // Priced like gpt-4o-mini so the cost line is an estimate, not zero.
    ...(process.env.LLM_SETTLE_MS ? { LLM_SETTLE_MS: process.env.LLM_SETTLE_MS } : {}),
    LLM_PRICES: JSON.stringify({ 'fake-model': { inputPer1M: 0.15, outputPer1M: 0.6 } }),
    LOG_LEVEL: 'silent',
  });
}

async function metricValues(name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const m = registry.getSingleMetric(name);
  return m ? (await m.get()).values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value })) : [];
}

async function replay(server: FakeOpenAiServer) {
  const cfg = configFor(server);
  const llm = buildLlmExtractor(cfg.llm, { logger })!;
  const topo = buildTopology(cfg, { llm });
  const rt = createLocalRuntime(topo, { clock: { now: () => Date.now() }, logger, partitions: cfg.kafka.partitions });
  const messages = generateConversations({ conversations: CONVERSATIONS, seed: 42, startMs: Date.UTC(2024, 4, 1) });
  const t0 = performance.now();
  for (const m of messages) rt.produce(cfg.topics.messages, { key: m.conversationId, value: m, timestamp: m.createdAt });
  await rt.runUntilIdle({ flushWallTimers: true });
  const seconds = (performance.now() - t0) / 1000;

  const snapshots = rt.read<ConversationSnapshot>(cfg.topics.conversations);
  const signals = rt.read<SignalsRecord>(cfg.topics.signals);
  const lastSnap = new Map<string, ConversationSnapshot>();
  for (const s of snapshots) if (s.value) lastSnap.set(s.key!, s.value);
  const lastSig = new Map<string, SignalsRecord>();
  for (const s of signals) if (s.value) lastSig.set(s.key!, s.value);

  const tiers: Record<string, number> = { qualified: 0, nurturing: 0, unqualified: 0 };
  const failures: string[] = [];
  let llmUpgrades = 0;
  for (const [cid, rec] of lastSig) {
    tiers[rec.tier] = (tiers[rec.tier] ?? 0) + 1;
    if (rec.tier !== rec.rulesTier) llmUpgrades++;
    if (rec.tier !== 'qualified') continue;
    const snap = lastSnap.get(cid)!;
    const transcript = snap.transcript;
    // The gate's own definition, with the rules result this record carries (its rules-sourced signals).
    const subIds = new Set(substantiveCustomerIds(snap, { signals: rec.signals.filter((x) => x.source === 'rules') }));
    const lastSub = [...transcript].reverse().find((e) => subIds.has(e.id));
    const seen = rec.llm?.basedOn.lastCustomerMessageId ?? null;
    const iSub = lastSub ? transcript.findIndex((e) => e.id === lastSub.id) : -1;
    const iSeen = seen === null ? -2 : transcript.findIndex((e) => e.id === seen);
    if (rec.snapshotVersion !== snap.version || !rec.llm || iSeen < 0 || iSeen < iSub) failures.push(cid);
  }
  const calls = server.requests.length;
  const gate = await metricValues('leadwire_llm_gate_total');
  const tokens = await metricValues('leadwire_llm_tokens_total');
  const cost = await metricValues('leadwire_llm_cost_usd_total');
  await rt.stop();
  return {
    messages: messages.length,
    customerMessages: messages.filter((m) => m.sender.role === 'customer').length,
    conversations: lastSig.size,
    snapshots: snapshots.length,
    signalsRecords: signals.length,
    llmCalls: calls,
    callsPer1000Messages: Math.round((calls / messages.length) * 1000 * 10) / 10,
    snapshotsPer1000Messages: Math.round((snapshots.length / messages.length) * 1000 * 10) / 10,
    endsQualified: tiers.qualified,
    tiers,
    tierChangedByLlm: llmUpgrades,
    qualifiedWithoutLlmAfterLastSubstantiveMessage: failures.length,
    gate: Object.fromEntries(gate.map((g) => [`${g.labels.decision}:${g.labels.reason}`, g.value])),
    tokens: Object.fromEntries(tokens.map((t) => [String(t.labels.direction), t.value])),
    estimatedCostUsd: Math.round((cost[0]?.value ?? 0) * 10_000) / 10_000,
    replaySeconds: Math.round(seconds * 10) / 10,
  };
}

function hotMessage(i: number, now: number): NormalizedMessage {
  // Unique per sample, or the result cache would answer every sample after the first.
  const body = `Buenas tardes, cuánto cuesta? necesito una cotización para ${500 + i} unidades`;
  return {
    schema: 'leadwire.messages.v1', op: 'upsert', sourceOp: 'c', id: String(9_100_000_000_000_000_000n + BigInt(i)),
    conversationId: String(990_000 + i), replyId: null, sender: { type: 'App\\Models\\Customer', id: String(5_000 + i), role: 'customer' },
    type: 'text', body, bodyUnchanged: false, language: { code: 'es', confidence: 0.9, reliable: true },
    pii: { emails: 0, phones: 0, cards: 0, ids: 0 }, words: body.split(/\s+/).length, chars: body.length,
    createdAt: now, updatedAt: now, deletedAt: null, source: { lsn: null, txId: null, tsMs: now, snapshot: false, table: 'wire_messages' },
  };
}

async function hotTriggerLatency(server: FakeOpenAiServer) {
  server.reset();
  server.setLatency(LATENCY_MS);
  const cfg = configFor(server);
  const llm = buildLlmExtractor(cfg.llm, { logger })!;
  const rt = createLocalRuntime(buildTopology(cfg, { llm }), { clock: { now: () => Date.now() }, logger, partitions: cfg.kafka.partitions });
  const arrived = new Map<string, number>();
  rt.subscribe(cfg.topics.signals, (m) => {
    const rec = m.value ? JSON.parse(m.value.toString()) as SignalsRecord : null;
    if (rec?.llm && !arrived.has(m.key!)) arrived.set(m.key!, performance.now());
  });
  rt.startLive(50);
  const latencies: number[] = [];
  for (let i = 0; i < HOT_SAMPLES; i++) {
    const msg = hotMessage(i, Date.now());
    const t0 = performance.now();
    rt.produce(cfg.topics.messages, { key: msg.conversationId, value: msg, timestamp: msg.createdAt });
    const deadline = t0 + 10_000 + LATENCY_MS;
    while (!arrived.has(msg.conversationId) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    latencies.push(arrived.has(msg.conversationId) ? arrived.get(msg.conversationId)! - t0 : Number.POSITIVE_INFINITY);
  }
  await rt.stop();
  return {
    samples: latencies.length,
    endpointLatencyMs: LATENCY_MS,
    p50Ms: Math.round(quantile(latencies, 0.5)),
    maxMs: Math.round(Math.max(...latencies)),
    maxMinusEndpointMs: Math.round(Math.max(...latencies) - LATENCY_MS),
  };
}

const server = await startFakeOpenAiServer();
try {
  const r = await replay(server);
  const h = await hotTriggerLatency(server);
  const result = {
    replay: r, hotTrigger: h,
    pass: {
      callsPer1000: r.callsPer1000Messages <= 150,
      qualifiedCovered: r.qualifiedWithoutLlmAfterLastSubstantiveMessage === 0,
      hotTrigger: h.maxMinusEndpointMs <= 2_000,
    },
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`LLM calls (fake OpenAI server, a test double) — ${r.conversations} conversations, ${r.messages} messages (${r.customerMessages} customer)`);
    console.log(`  snapshots per 1,000 messages: ${r.snapshotsPer1000Messages}`);
    console.log(`  LLM calls per 1,000 messages: ${r.callsPer1000Messages}  (target ≤ 150) ${result.pass.callsPer1000 ? 'PASS' : 'FAIL'}`);
    console.log(`  conversations ending qualified: ${r.endsQualified}; without an LLM pass after their last substantive customer message: ${r.qualifiedWithoutLlmAfterLastSubstantiveMessage} ${result.pass.qualifiedCovered ? 'PASS' : 'FAIL'}`);
    console.log(`  tiers ${JSON.stringify(r.tiers)}; tier changed by the LLM: ${r.tierChangedByLlm}`);
    console.log(`  gate ${JSON.stringify(r.gate)}`);
    console.log(`  tokens ${JSON.stringify(r.tokens)}; estimated cost at gpt-4o-mini prices: $${r.estimatedCostUsd}; replay ${r.replaySeconds} s`);
    console.log(`Hot trigger → signals (live local runtime, endpoint latency ${h.endpointLatencyMs} ms, ${h.samples} samples): p50 ${h.p50Ms} ms, max ${h.maxMs} ms; max minus endpoint ${h.maxMinusEndpointMs} ms (target ≤ 2,000) ${result.pass.hotTrigger ? 'PASS' : 'FAIL'}`);
  }
  if (!Object.values(result.pass).every(Boolean)) process.exitCode = 1;
} finally {
  await server.close();
}
