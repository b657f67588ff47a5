// LLM outage chaos: the extract stage calls an OpenAI-compatible endpoint (the fake server behind a
// flaky front) that fails a share of the calls (429, 500, no answer, truncated JSON, not JSON) for
// a while, then recovers. Checks: no stage stalls (each group's committed offsets keep moving while
// it has lag), degraded results are marked (`degraded: true` on signals, carried to lead scores),
// and every conversation that went out degraded is extracted again by the LLM after the recovery.
// Traffic goes straight onto a per-run source topic as Debezium envelopes: nothing here restarts
// the stack, so it can run on any stack.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { sourceTopic } from '../../src/config/schema.js';
import { STAGE } from '../../src/topology/topology.js';
import { leadwireTopics } from '../../src/topology/topics.js';
import { ensureTopics } from '../../src/stack/topics.js';
import { stackEndpoints, type StackSettings } from '../../src/stack/settings.js';
import type { SignalsRecord } from '../../src/records/signals-record.js';
import type { LeadScoreRecord } from '../../src/records/lead-records.js';
import { startFakeOpenAiServer } from '../helpers/fake-openai-server.js';
import { startFlakyLlm, FLAKY_KINDS, type FlakyKind } from './flaky-llm.js';
import {
  chaosInput, chaosKafka, createSupervisor, envelopeOf, groupLag, sleep, startCollector, until, withAdmin, type Lag, type Say,
} from './harness.js';

const STAGES = [STAGE.normalize, STAGE.window, STAGE.extract, STAGE.score];

export interface LlmOutageOptions {
  stack: StackSettings;
  messages: number;
  seed: number;
  partitions: number;
  /** Share of LLM calls that fail during the outage. */
  failureRate: number;
  /** How long the outage lasts; the messages are produced evenly over it. */
  outageMs: number;
  /** A stage with lag whose committed offsets do not move for this long has stalled. */
  stallMs: number;
  /** Bound on the wait for recovery (all caught up, every degraded conversation re-extracted). */
  recoveryTimeoutMs: number;
  /** Client timeout of one LLM request (the "no answer" failures cost this much). */
  llmTimeoutMs: number;
  logDir: string;
  say: Say;
}

export const LLM_FULL_DEFAULTS = {
  messages: 30_000, seed: 5, partitions: 4, failureRate: 0.3, outageMs: 180_000, stallMs: 30_000, recoveryTimeoutMs: 600_000, llmTimeoutMs: 2_000,
} satisfies Partial<LlmOutageOptions>;

export const LLM_CI_DEFAULTS = {
  messages: 4_000, seed: 3, partitions: 4, failureRate: 0.3, outageMs: 40_000, stallMs: 30_000, recoveryTimeoutMs: 120_000, llmTimeoutMs: 2_000,
} satisfies Partial<LlmOutageOptions>;

export interface LlmOutageSummary {
  runId: string;
  messages: number;
  conversations: number;
  llm: { requests: number; passed: number; failed: Record<FlakyKind, number>; failedShareDuringOutage: number };
  signals: number;
  degradedSignals: number;
  degradedConversations: number;
  /** Degraded conversations with no later LLM extraction (degraded false, extractor.llm set). */
  notReextracted: number;
  notReextractedExamples: string[];
  /** Degraded records that still claim an LLM extractor (must be 0). */
  degradedWithLlm: number;
  leadScores: number;
  degradedLeadScores: number;
  /** Lead scores whose `degraded` differs from the signals record they scored (must be 0). */
  degradedFlagMismatches: number;
  /** Longest time, per stage, that its committed offsets stood still while it had lag. */
  maxStallS: Record<string, number>;
  stalled: string[];
  dlq: number;
  durations: { outageS: number; recoveryS: number; totalS: number };
  ok: boolean;
}

export async function runLlmOutageChaos(o: LlmOutageOptions): Promise<LlmOutageSummary> {
  const say = o.say;
  const t0 = Date.now();
  const runSeq = Math.floor(Date.now() / 1000) % 1_000_000;
  const app = `llmchaos-${runSeq.toString(36)}-${randomBytes(2).toString('hex')}`;
  const fake = await startFakeOpenAiServer();
  const flaky = await startFlakyLlm({ upstream: fake.baseUrl, failureRate: 0, seed: o.seed });
  const e = stackEndpoints(o.stack);
  const vars: Record<string, string> = {
    KAFKA_BROKERS: e.kafkaBrokers, LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: String(o.partitions),
    LEADWIRE_SOURCE_TOPIC: `${app}.source`, LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`,
    LEADWIRE_TOPIC_SIGNALS: `${app}.signals`, LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`,
    LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    WINDOW_WALL_CLOCK_CLOSE: 'false', KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_COMMIT_INTERVAL_MS: '100',
    LLM_BASE_URL: flaky.baseUrl, LLM_MODEL: 'fake-chaos', LLM_API_KEY: 'chaos', LLM_CACHE: 'memory',
    LLM_TIMEOUT_MS: String(o.llmTimeoutMs), LLM_RETRIES: '2', LLM_RETRY_INITIAL_DELAY_MS: '200', LLM_RETRY_MAX_DELAY_MS: '1000',
    // The fake answers at once; the limits of a paid endpoint would only slow the run down.
    LLM_REQUESTS_PER_MINUTE: '100000', LLM_TOKENS_PER_MINUTE: '100000000',
    LLM_BREAKER_FAILURES: '5', LLM_BREAKER_OPEN_MS: '3000',
    // Re-extraction soon after the outage instead of the production minute.
    LLM_REEXTRACT_DELAY_MS: '2000', LLM_REEXTRACT_MAX_DELAY_MS: '8000', LLM_REEXTRACT_MAX_ATTEMPTS: '1000',
    LLM_SETTLE_MS: '5000',
    DATABASE_URL: e.databaseUrl,
  };
  const config = loadConfig(vars);
  const t = config.topics;
  const input = chaosInput({ messages: o.messages, seed: o.seed, runSeq, startMs: Date.UTC(2026, 0, 5), arrivalMeanMs: 2 * 60_000 });
  say(`run ${app}: ${input.messages.length} messages in ${input.conversations.length} conversations; LLM ${fake.baseUrl} behind ${flaky.baseUrl}`);

  const kafka = chaosKafka(o.stack, app);
  await withAdmin(kafka, (a) => ensureTopics(a, leadwireTopics(config), { partitions: o.partitions, replicationFactor: 1 }));

  // Per conversation, in topic order: what a read-committed consumer of signals and lead scores sees.
  const signals = new Map<string, Array<{ v: number; rev: number; degraded: boolean; llm: boolean }>>();
  const signalDegraded = new Map<string, boolean>();
  let nSignals = 0, nScores = 0, degradedScores = 0, flagMismatches = 0, dlq = 0;
  const pendingScores: LeadScoreRecord[] = [];
  const collector = await startCollector(kafka, `${app}-collector`, [t.signals, t.leadScores, t.dlq], (r) => {
    if (!r.value) return;
    if (r.topic === t.signals) {
      const s = JSON.parse(r.value.toString()) as SignalsRecord;
      nSignals++;
      const list = signals.get(s.conversationId) ?? [];
      list.push({ v: s.snapshotVersion, rev: s.revision ?? 0, degraded: s.degraded, llm: s.extractor.llm !== null });
      signals.set(s.conversationId, list);
      signalDegraded.set(`${s.conversationId}/${s.snapshotVersion}/${s.revision ?? 0}`, s.degraded);
    } else if (r.topic === t.leadScores) {
      const s = JSON.parse(r.value.toString()) as LeadScoreRecord;
      nScores++;
      if (s.degraded) degradedScores++;
      pendingScores.push(s);
    } else {
      dlq++;
    }
  }, say);

  const sup = createSupervisor({ stages: STAGES, env: vars, logDir: join(o.logDir, app), say });
  const groups = STAGES.map((s) => `${app}-${s}`);
  const inputs: Record<string, string> = { normalize: sourceTopic(t), window: t.messages, extract: t.conversations, score: t.signals };
  const maxStall: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  const movedAt: Record<string, { offsets: string; at: number }> = {};
  const committed = async (stage: string): Promise<{ lag: Lag; offsets: string } | undefined> => {
    const lag = await groupLag(kafka, `${app}-${stage}`, inputs[stage]!);
    if (!lag) return undefined;
    const offs = await withAdmin(kafka, (a) => a.fetchOffsets({ groupId: `${app}-${stage}`, topics: [inputs[stage]!] })).catch(() => undefined);
    return { lag, offsets: JSON.stringify(offs?.[0]?.partitions.map((p) => p.offset) ?? []) };
  };
  let lastLags: Array<Lag | undefined> = [];
  // Stall watch: a stage with more than a commit marker of lag must commit within stallMs.
  const watch = setInterval(() => {
    void Promise.all(STAGES.map(committed)).then((cs) => {
      lastLags = cs.map((c) => c?.lag);
      const now = Date.now();
      cs.forEach((c, i) => {
        const stage = STAGES[i]!;
        if (!c) return;
        const m = movedAt[stage];
        if (!m || m.offsets !== c.offsets || c.lag.max <= 1) { movedAt[stage] = { offsets: c.offsets, at: now }; return; }
        maxStall[stage] = Math.max(maxStall[stage]!, (now - m.at) / 1000);
      });
    });
  }, 1_000);

  sup.startAll();
  try {
    await until(async () => withAdmin(kafka, async (a) => {
      const d = await a.describeGroups(groups);
      return d.groups.every((g) => g.state === 'Stable' && g.members.length > 0);
    }).catch(() => false), 120_000, `groups ${groups.join(', ')} to be stable`);

    // The outage: the messages go out evenly over it while a share of the LLM calls fail.
    flaky.setFailureRate(o.failureRate);
    say(`outage: ${Math.round(o.failureRate * 100)}% of LLM calls fail for ${o.outageMs / 1000} s while ${input.messages.length} messages arrive`);
    const outageStart = Date.now();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const envelopes = input.messages.map(envelopeOf);
    const batches = Math.max(1, Math.ceil(o.outageMs / 500));
    const size = Math.ceil(envelopes.length / batches);
    const progress = setInterval(() => {
      const degraded = [...signals.values()].filter((l) => l.some((x) => x.degraded)).length;
      say(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: llm ${flaky.stats.requests} calls (${Object.values(flaky.stats.failed).reduce((a, b) => a + b, 0)} failed), signals ${nSignals} (${degraded} conversations degraded), scores ${nScores}, lag ${STAGES.map((s, i) => `${s} ${lastLags[i]?.total ?? '?'}`).join(' ')}`);
    }, 5_000);
    for (let i = 0; i < batches; i++) {
      const part = envelopes.slice(i * size, (i + 1) * size);
      if (part.length) await producer.send({ topic: sourceTopic(t), messages: part.map((m) => ({ key: m.key, value: m.value })) });
      const due = outageStart + ((i + 1) * o.outageMs) / batches;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await producer.disconnect();
    const failedDuring = Object.values(flaky.stats.failed).reduce((a, b) => a + b, 0);
    const requestsDuring = flaky.stats.requests;
    flaky.setFailureRate(0);
    const outageS = (Date.now() - outageStart) / 1000;
    say(`recovered after ${outageS.toFixed(1)} s (${failedDuring} of ${requestsDuring} calls failed); waiting for every degraded conversation to be extracted again`);

    const recoveryStart = Date.now();
    const notReextracted = () => [...signals].filter(([, l]) => {
      const lastDegraded = l.map((x) => x.degraded).lastIndexOf(true);
      return lastDegraded >= 0 && !l.slice(lastDegraded + 1).some((x) => !x.degraded && x.llm);
    }).map(([cid]) => cid);
    await until(async () => {
      const lags = await Promise.all(STAGES.map((s) => groupLag(kafka, `${app}-${s}`, inputs[s]!)));
      return lags.every((l) => l !== undefined && l.max <= 1) && notReextracted().length === 0;
    }, o.recoveryTimeoutMs, 'every stage caught up and every degraded conversation re-extracted', 1_000).catch((err) => say(`warning: ${(err as Error).message}`));
    await sleep(2_000);
    clearInterval(progress);
    const recoveryS = (Date.now() - recoveryStart) / 1000;

    for (const s of pendingScores) {
      const d = signalDegraded.get(`${s.conversationId}/${s.snapshotVersion}/${s.revision}`);
      if (d !== undefined && d !== s.degraded) flagMismatches++;
    }
    const missing = notReextracted();
    const all = [...signals.values()].flat();
    const summary: LlmOutageSummary = {
      runId: app,
      messages: input.messages.length,
      conversations: input.conversations.length,
      llm: { requests: flaky.stats.requests, passed: flaky.stats.passed, failed: { ...flaky.stats.failed }, failedShareDuringOutage: requestsDuring ? failedDuring / requestsDuring : 0 },
      signals: nSignals,
      degradedSignals: all.filter((x) => x.degraded).length,
      degradedConversations: [...signals.values()].filter((l) => l.some((x) => x.degraded)).length,
      notReextracted: missing.length,
      notReextractedExamples: missing.slice(0, 10),
      degradedWithLlm: all.filter((x) => x.degraded && x.llm).length,
      leadScores: nScores,
      degradedLeadScores: degradedScores,
      degradedFlagMismatches: flagMismatches,
      maxStallS: Object.fromEntries(Object.entries(maxStall).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      stalled: STAGES.filter((s) => maxStall[s]! * 1000 >= o.stallMs),
      dlq,
      durations: { outageS, recoveryS, totalS: (Date.now() - t0) / 1000 },
      ok: false,
    };
    summary.ok = summary.degradedSignals > 0 && summary.notReextracted === 0 && summary.degradedWithLlm === 0 && flagMismatches === 0
      && summary.stalled.length === 0 && dlq === 0;
    return summary;
  } finally {
    clearInterval(watch);
    await sup.stopAll();
    await collector.stop();
    await flaky.close();
    await fake.close();
  }
}

export function formatLlmSummary(s: LlmOutageSummary): string {
  const kinds = FLAKY_KINDS.map((k) => `${k} ${s.llm.failed[k]}`).join(', ');
  return [
    `LLM outage chaos ${s.runId}: ${s.ok ? 'PASS' : 'FAIL'}`,
    `  messages          ${s.messages} in ${s.conversations} conversations`,
    `  LLM calls         ${s.llm.requests} (${s.llm.passed} answered; failed: ${kinds}); ${(s.llm.failedShareDuringOutage * 100).toFixed(0)}% failed during the outage`,
    `  signals           ${s.signals}, degraded ${s.degradedSignals} in ${s.degradedConversations} conversations; degraded but claiming an LLM: ${s.degradedWithLlm}`,
    `  re-extraction     ${s.degradedConversations - s.notReextracted} of ${s.degradedConversations} degraded conversations extracted again by the LLM${s.notReextracted ? ` (missing e.g. ${s.notReextractedExamples.slice(0, 3).join(', ')})` : ''}`,
    `  lead scores       ${s.leadScores}, degraded ${s.degradedLeadScores}; flag differs from its signals record: ${s.degradedFlagMismatches}`,
    `  longest stall     ${Object.entries(s.maxStallS).map(([k, v]) => `${k} ${v} s`).join(', ')}${s.stalled.length ? ` — STALLED: ${s.stalled.join(', ')}` : ''}`,
    `  dead letters      ${s.dlq}`,
    `  durations         outage ${s.durations.outageS.toFixed(1)} s, recovery ${s.durations.recoveryS.toFixed(1)} s, total ${s.durations.totalS.toFixed(1)} s`,
  ].join('\n');
}
