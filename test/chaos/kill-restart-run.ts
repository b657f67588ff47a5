// Kill/restart chaos: realistic traffic written into PostgreSQL flows through Debezium and four
// stage workers (normalize, window, extract, score) while a random worker is killed with SIGKILL
// every few seconds (preferring workers with input in flight, so transactions are open when they
// die), Kafka Connect is restarted once and the Kafka broker once. Afterwards every stage is
// checked against expectations computed from the input written (test/chaos/stage-check.ts): every
// message on messages.v1, snapshot versions without gaps or repeats holding exactly their
// conversation's messages, a signals record and a lead score for every version, no event id twice.
// A clean run (the same input on the local runtime) is compared too: the last tier of every
// conversation must match it. Used by test/chaos/kill-restart.ts (full run) and
// test/integration/chaos.test.ts (the short CI form).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { sourceTopic, type Config } from '../../src/config/schema.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { leadwireTopics } from '../../src/topology/topics.js';
import { createLocalRuntime } from '../../src/runtime/local-runtime.js';
import { silentLogger } from '../../src/core/logger.js';
import { ensureTopics } from '../../src/stack/topics.js';
import { restartConnect, restartKafka } from '../../src/stack/restart.js';
import { stackEndpoints, type StackSettings } from '../../src/stack/settings.js';
import { rng } from '../helpers/traffic.js';
import type { LeadEventRecord, LeadScoreRecord } from '../../src/records/lead-records.js';
import type { SignalsRecord } from '../../src/records/signals-record.js';
import type { ConversationSnapshot } from '../../src/records/conversation-snapshot.js';
import { checkStages, emptyObservation, expectFromInput, formatStageCheck, snapshotOf, type StageCheck } from './stage-check.js';
import {
  chaosInput, chaosKafka, createRowWriter, createSupervisor, envelopeOf, groupLag, sleep, startCollector, until, withAdmin, type Say,
} from './harness.js';

export const CHAOS_STAGES = [STAGE.normalize, STAGE.window, STAGE.extract, STAGE.score];
/** Records a restarted worker commits before it may be killed again (unless it has caught up). */
const MIN_PROGRESS = 200;

export interface KillRestartOptions {
  stack: StackSettings;
  /** Messages written into wire_messages. */
  messages: number;
  seed: number;
  /** Partitions of leadwire's topics (the source topic has one). */
  partitions: number;
  /** Rows per second written into PostgreSQL (the replay speed). */
  insertRate: number;
  /** A random worker is killed with SIGKILL this often... */
  killEveryMs: number;
  /** ...at least this many times, and for as long as rows are being written. */
  minKills: number;
  /** Of those, at least this many of a worker with input in flight (its group lags on its input topic): its transaction is open. */
  minKillsInFlight: number;
  /** Only workers up for this long are killed, so each gets to work between kills however slow the machine. */
  minUptimeMs: number;
  /** Connect restarts after this share of the rows was written; the broker after this share of the messages went through normalize. */
  connectRestartAt: number;
  brokerRestartAt: number;
  /** SIGTERM (restart) or SIGKILL (crash) for Connect and the broker. */
  connectSignal: 'term' | 'kill';
  brokerSignal: 'term' | 'kill';
  /** Bound on the wait for the pipeline to drain after the chaos. */
  drainTimeoutMs: number;
  logDir: string;
  say: Say;
}

export const FULL_DEFAULTS = {
  messages: 200_000, seed: 42, partitions: 4, insertRate: 1_000, killEveryMs: 5_000, minKills: 10, minKillsInFlight: 10, minUptimeMs: 10_000,
  connectRestartAt: 0.3, brokerRestartAt: 0.6, connectSignal: 'term', brokerSignal: 'term', drainTimeoutMs: 30 * 60_000,
} satisfies Partial<KillRestartOptions>;

export const CI_DEFAULTS = {
  messages: 20_000, seed: 7, partitions: 4, insertRate: 300, killEveryMs: 2_500, minKills: 10, minKillsInFlight: 3, minUptimeMs: 6_000,
  connectRestartAt: 0.2, brokerRestartAt: 0.5, connectSignal: 'term', brokerSignal: 'term', drainTimeoutMs: 180_000,
} satisfies Partial<KillRestartOptions>;

export interface KillRestartSummary {
  runId: string;
  messages: number;
  conversations: number;
  kills: number;
  /** Kills of a worker whose group lagged on its input topic at that moment (a transaction open or about to be). */
  killsInFlight: number;
  killsByStage: Record<string, number>;
  /** Workers that exited on their own (e.g. while the broker was down) and were started again. */
  unexpectedExits: number;
  /** Connect: after `atRows` rows were written; broker: after `atRows` messages went through normalize. */
  connectRestart: { signal: string; atRows: number; downMs: number } | null;
  brokerRestart: { signal: string; atRows: number; downMs: number } | null;
  /** Every stage against the expectations computed from the input. */
  stages: StageCheck;
  /** Input message ids that never reached leadwire.messages.v1. */
  lost: number;
  lostIds: string[];
  /** Message ids seen more than once on leadwire.messages.v1 (at-least-once upstream; harmless downstream). */
  messageRepeats: number;
  leadScores: number;
  leadEvents: number;
  duplicateScoreIds: number;
  duplicateEventIds: number;
  duplicateCeIds: number;
  dlq: number;
  /** Conversations scored by the clean run. */
  scoredConversations: number;
  tierMismatches: number;
  mismatchExamples: Array<{ conversationId: string; expected: string; got: string | null }>;
  /** Conversations whose last score has another snapshot version than the clean run's. */
  versionMismatches: number;
  collectorRecreations: number;
  durations: { cleanRunS: number; startS: number; insertS: number; drainS: number; totalS: number };
  ok: boolean;
}

/**
 * Settings every chaos run uses. Results depend on event time only; every signals record gets a
 * lead score (no immaterial change held back), so the stage check can demand one for each.
 */
export const CHAOS_RUN_VARS = {
  WINDOW_WALL_CLOCK_CLOSE: 'false', SCORE_MATERIAL_DELTA: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_COMMIT_INTERVAL_MS: '100',
} as const;

function runConfig(app: string, s: StackSettings, partitions: number): { vars: Record<string, string>; config: Config } {
  const e = stackEndpoints(s);
  const vars: Record<string, string> = {
    KAFKA_BROKERS: e.kafkaBrokers, DATABASE_URL: e.databaseUrl, DEBEZIUM_TOPIC_PREFIX: e.topicPrefix,
    LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: String(partitions),
    LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`, LEADWIRE_TOPIC_SIGNALS: `${app}.signals`,
    LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`, LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`,
    LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    ...CHAOS_RUN_VARS,
  };
  return { vars, config: loadConfig(vars) };
}

interface Final { tier: string; snapshotVersion: number; revision: number }

/** The clean run: the same envelopes through the same topology on the local runtime. */
async function cleanRun(config: Config, partitions: number, envelopes: Array<{ key: Buffer; value: Buffer; timestamp: number }>) {
  const rt = createLocalRuntime(buildTopology(config), { clock: { now: () => Date.now() }, logger: silentLogger, partitions });
  const src = sourceTopic(config.topics);
  for (const e of envelopes) rt.produce(src, { key: e.key, value: e.value, timestamp: e.timestamp });
  await rt.runUntilIdle();
  const messageIds = new Set(rt.read<{ id: string }>(config.topics.messages).map((r) => r.value.id));
  const finals = new Map<string, Final>();
  // One conversation lives on one partition, so partition-then-offset order is its order.
  for (const r of rt.read<LeadScoreRecord>(config.topics.leadScores)) finals.set(r.value.conversationId, { tier: r.value.tier, snapshotVersion: r.value.snapshotVersion, revision: r.value.revision });
  const counts = { scores: rt.read(config.topics.leadScores).length, events: rt.read(config.topics.leadEvents).length, snapshots: rt.read(config.topics.conversations).length };
  await rt.stop();
  return { messageIds, finals, counts };
}

export async function runKillRestartChaos(o: KillRestartOptions): Promise<KillRestartSummary> {
  const say = o.say;
  const t0 = Date.now();
  const runSeq = Math.floor(Date.now() / 1000) % 1_000_000;
  const runId = `chaos-${runSeq.toString(36)}-${randomBytes(2).toString('hex')}`;
  const { vars, config } = runConfig(runId, o.stack, o.partitions);
  const topics = config.topics;
  const random = rng(o.seed ^ runSeq);

  // Event time months in the past, with the production topic settings (7-day time
  // retention): leadwire's records carry the write time as Kafka timestamp (event-time.ts).
  const input = chaosInput({ messages: o.messages, seed: o.seed, runSeq, startMs: Date.UTC(2026, 0, 5), arrivalMeanMs: 2 * 60_000 });
  say(`run ${runId}: ${input.messages.length} messages in ${input.conversations.length} conversations`);
  const expected = expectFromInput(input.messages, { partitions: o.partitions, gapMs: config.window.gapMs });

  const cleanStart = Date.now();
  const clean = await cleanRun(config, o.partitions, input.messages.map(envelopeOf));
  const cleanRunS = (Date.now() - cleanStart) / 1000;
  say(`clean run (local runtime): ${clean.messageIds.size} messages, ${clean.counts.snapshots} snapshots, ${clean.counts.scores} lead scores, ${clean.counts.events} lead events, ${clean.finals.size} conversations scored in ${cleanRunS.toFixed(1)} s`);

  const kafka = chaosKafka(o.stack, runId);
  const src = sourceTopic(topics);
  const startStart = Date.now();
  await withAdmin(kafka, async (a) => {
    await ensureTopics(a, leadwireTopics(config).filter((t) => t.name !== src), { partitions: o.partitions, replicationFactor: 1 });
    const ends = await a.fetchTopicOffsets(src);
    await a.setOffsets({ groupId: `${runId}-${STAGE.normalize}`, topic: src, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  });

  // What a read-committed consumer sees.
  const observed = emptyObservation();
  const seenMessages = observed.messages;
  const scoreIds = new Set<string>();
  const eventIds = new Set<string>();
  const ceIds = new Set<string>();
  const last = new Map<string, Final>();
  let scores = 0, events = 0, dupScores = 0, dupEvents = 0, dupCe = 0, dlq = 0;
  const collected = [topics.messages, topics.conversations, topics.signals, topics.leadScores, topics.leadEvents, topics.dlq];
  const collector = await startCollector(kafka, `${runId}-collector`, collected, (r) => {
    if (!r.value) return;
    if (r.topic === topics.messages) {
      const m = JSON.parse(r.value.toString()) as { id: string };
      seenMessages.set(m.id, (seenMessages.get(m.id) ?? 0) + 1);
    } else if (r.topic === topics.conversations) {
      observed.snapshots.push(snapshotOf(JSON.parse(r.value.toString()) as ConversationSnapshot));
    } else if (r.topic === topics.signals) {
      const g = JSON.parse(r.value.toString()) as SignalsRecord;
      observed.signals.push({ conversationId: g.conversationId, snapshotVersion: g.snapshotVersion, revision: g.revision });
    } else if (r.topic === topics.leadScores) {
      const s = JSON.parse(r.value.toString()) as LeadScoreRecord;
      observed.scores.push({ conversationId: s.conversationId, snapshotVersion: s.snapshotVersion, revision: s.revision, eventId: s.eventId });
      scores++;
      if (scoreIds.has(s.eventId)) dupScores++; else scoreIds.add(s.eventId);
      last.set(s.conversationId, { tier: s.tier, snapshotVersion: s.snapshotVersion, revision: s.revision });
    } else if (r.topic === topics.leadEvents) {
      const e = JSON.parse(r.value.toString()) as LeadEventRecord;
      events++;
      observed.eventIds.push(e.eventId);
      if (eventIds.has(e.eventId)) dupEvents++; else eventIds.add(e.eventId);
      const ce = r.headers.ce_id;
      if (ce !== undefined) { if (ceIds.has(ce)) dupCe++; else ceIds.add(ce); }
    } else {
      dlq++;
    }
  }, say);

  const sup = createSupervisor({ stages: CHAOS_STAGES, env: vars, logDir: join(o.logDir, runId), say });
  const groups = CHAOS_STAGES.map((s) => `${runId}-${s}`);
  const inputs: Record<string, string> = { normalize: src, window: topics.messages, extract: topics.conversations, score: topics.signals };
  const lags = async () => Promise.all(CHAOS_STAGES.map((s) => groupLag(kafka, `${runId}-${s}`, inputs[s]!)));
  sup.startAll();
  try {
    await until(async () => withAdmin(kafka, async (a) => {
      const d = await a.describeGroups(groups);
      return d.groups.every((g) => g.state === 'Stable' && g.members.length > 0);
    }).catch(() => false), 120_000, `groups ${groups.join(', ')} to be stable`);
    const startS = (Date.now() - startStart) / 1000;
    say(`workers up in ${startS.toFixed(1)} s; writing rows at ${o.insertRate}/s`);

    const writer = createRowWriter(stackEndpoints(o.stack).databaseUrl);
    await writer.conversations(input.conversations, '2026-01-01 00:00:00');

    let inserted = 0;
    let insertDone = false;
    let chaosError: unknown;
    let connectRestart: KillRestartSummary['connectRestart'] = null;
    let brokerRestart: KillRestartSummary['brokerRestart'] = null;
    let connectTask: Promise<void> | undefined;
    let brokerTask: Promise<void> | undefined;
    const fmtLag = (l: Awaited<ReturnType<typeof lags>>) => CHAOS_STAGES.map((s, i) => `${s} ${l[i]?.total ?? '?'}`).join(' ');
    const progress = setInterval(() => {
      void lags().then((l) => say(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: rows ${inserted}/${input.rows.length}, messages ${seenMessages.size}, scores ${scores}, events ${events}, kills ${sup.counts.kills}, lag ${fmtLag(l)}`));
    }, 5_000);

    // Connect restarts while rows are being written (Debezium must resume from its offsets); the
    // broker restarts once Connect is back and the pipeline is mid-stream (a share of the messages
    // went through normalize), so every stage has work in flight when it goes down.
    const chaosStep = () => {
      if (!connectTask && inserted >= o.connectRestartAt * input.rows.length) {
        const atRows = inserted;
        say(`restarting Kafka Connect (${o.connectSignal}) after ${atRows} rows written`);
        connectTask = restartConnect(o.stack, { signal: o.connectSignal }).then((r) => {
          connectRestart = { signal: o.connectSignal, atRows, downMs: r.downMs };
          say(`Kafka Connect back after ${(r.downMs / 1000).toFixed(1)} s, connector RUNNING`);
        });
        connectTask.catch((err) => { chaosError ??= err; });
      }
      if (!brokerTask && connectRestart && seenMessages.size >= o.brokerRestartAt * input.rows.length) {
        const atRows = seenMessages.size;
        say(`restarting the Kafka broker (${o.brokerSignal}) after ${atRows} messages normalized`);
        brokerTask = restartKafka(o.stack, { signal: o.brokerSignal }).then((r) => {
          brokerRestart = { signal: o.brokerSignal, atRows, downMs: r.downMs };
          say(`Kafka broker back after ${(r.downMs / 1000).toFixed(1)} s`);
        });
        brokerTask.catch((err) => { chaosError ??= err; });
      }
    };

    const insertStart = Date.now();
    const inserting = (async () => {
      const batch = Math.max(50, Math.round(o.insertRate / 4));
      for (let i = 0; i < input.rows.length; i += batch) {
        await writer.messages(input.rows.slice(i, i + batch));
        inserted = Math.min(input.rows.length, i + batch);
        chaosStep();
        const due = insertStart + (inserted / o.insertRate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      insertDone = true;
    })();
    inserting.catch((err) => { chaosError ??= err; insertDone = true; });

    // Kill a random worker every few seconds until the rows are written, both restarts are done and
    // there were at least minKills kills. A worker whose group lags on its input has records in
    // flight: killed then, it dies with a transaction open (or about to be), which is the case
    // exactly-once has to survive; those are preferred, and counted.
    const chaosDeadline = Date.now() + (input.rows.length / o.insertRate) * 1000 + o.drainTimeoutMs;
    let nextKill = Date.now() + o.killEveryMs;
    let killsInFlight = 0;
    // A worker is killed again only after it has committed work since it started: otherwise a stage
    // with a backlog would be killed at every turn while still joining its group, and never work.
    const committedAtStart = new Map<string, number>();
    const lastKilled = new Map<string, number>();
    while (!chaosError && (!insertDone || !connectRestart || !brokerRestart || sup.counts.kills < o.minKills)) {
      if (Date.now() > chaosDeadline) throw new Error(`chaos did not finish in time: rows ${inserted}, messages ${seenMessages.size}, connect ${!!connectRestart}, broker ${!!brokerRestart}`);
      await sleep(Math.max(0, nextKill - Date.now()));
      nextKill += o.killEveryMs;
      chaosStep();
      const lag = await lags();
      const of = (st: string) => lag[(CHAOS_STAGES as string[]).indexOf(st)];
      // Up for minUptime and, since its start, either a real share of work committed or caught up:
      // a worker is not killed again straight after its first small transaction.
      const worked = (st: string) => (of(st)?.committed ?? -1) - (committedAtStart.get(st) ?? -1) >= MIN_PROGRESS || (of(st)?.max ?? 2) <= 1;
      const eligible = CHAOS_STAGES.filter((st) => sup.uptimeMs(st) >= o.minUptimeMs && worked(st));
      if (eligible.length === 0) continue;
      const busy = eligible.filter((st) => (of(st)?.max ?? 0) > 1);
      // Spread over the stages: the least recently killed of the pool (ties at random), so one slow
      // starter is not the only stage that dies.
      const pool = busy.length ? busy : eligible;
      const oldest = Math.min(...pool.map((st) => lastKilled.get(st) ?? 0));
      const candidates = pool.filter((st) => (lastKilled.get(st) ?? 0) === oldest);
      const stage = candidates[Math.floor(random() * candidates.length)]!;
      lastKilled.set(stage, Date.now());
      await sup.kill9(stage);
      if (busy.length) killsInFlight++;
      // What it had committed when it died: its successor must commit more before it is killed in turn.
      const after = await groupLag(kafka, `${runId}-${stage}`, inputs[stage]!);
      committedAtStart.set(stage, after?.committed ?? of(stage)?.committed ?? 0);
    }
    await inserting.catch(() => undefined);
    await Promise.allSettled([connectTask, brokerTask]);
    if (chaosError) throw chaosError;
    await writer.close();
    const insertS = (Date.now() - insertStart) / 1000;
    say(`chaos over after ${insertS.toFixed(1)} s: ${sup.counts.kills} kills (${Object.entries(sup.killsByStage).map(([k, v]) => `${k} ${v}`).join(', ')}), ${sup.counts.unexpectedExits} workers exited on their own; draining`);

    // Drain: every message through normalize, every group caught up, the scores settled.
    const drainStart = Date.now();
    const drainDeadline = drainStart + o.drainTimeoutMs;
    const expectedIds = [...expected.messageIds];
    await until(() => expectedIds.every((id) => seenMessages.has(id)), Math.max(1_000, drainDeadline - Date.now()), `all ${expectedIds.length} messages on ${topics.messages}`)
      .catch((err) => say(`warning: ${(err as Error).message}`));
    const matches = () => [...clean.finals].every(([cid, f]) => { const g = last.get(cid); return g?.snapshotVersion === f.snapshotVersion && g.revision === f.revision; })
      && checkStages(expected, observed).ok;
    let quietSince = Date.now();
    let lastState = '';
    await until(async () => {
      const l = await lags();
      // Caught up: at most the commit marker left on each partition (the source topic has none, and
      // every message was seen above).
      const caughtUp = l.every((x) => x !== undefined && x.max <= 1);
      const state = `${l.map((x) => x?.total).join(',')}/${scores}/${events}`;
      if (state !== lastState) { quietSince = Date.now(); lastState = state; }
      // Settled: caught up with every conversation at the clean run's last version, or nothing moved for 90 s
      // (longer than the 60 s transaction timeout that ends a zombie's open transaction).
      return (caughtUp && matches()) || Date.now() - quietSince > 90_000;
    }, Math.max(1_000, drainDeadline - Date.now()), 'the pipeline to drain', 1_000).catch((err) => say(`warning: ${(err as Error).message}`));
    // Nothing more can arrive once the collector has read every topic to its end (a duplicate of the
    // last outputs would be before the end): at most the commit marker left per partition.
    await until(async () => {
      const l = await Promise.all(collected.map((t) => groupLag(kafka, `${runId}-collector`, t)));
      return l.every((x) => x !== undefined && x.max <= 1);
    }, Math.max(30_000, drainDeadline - Date.now()), 'the collector to read every topic to its end', 500).catch((err) => say(`warning: ${(err as Error).message}`));
    clearInterval(progress);
    const drainS = (Date.now() - drainStart) / 1000;

    const stages = checkStages(expected, observed);
    const lostIds = expectedIds.filter((id) => !seenMessages.has(id));
    let tierMismatches = 0, versionMismatches = 0;
    const mismatchExamples: KillRestartSummary['mismatchExamples'] = [];
    for (const [cid, f] of clean.finals) {
      const g = last.get(cid);
      if (g?.tier !== f.tier) {
        tierMismatches++;
        if (mismatchExamples.length < 10) mismatchExamples.push({ conversationId: cid, expected: f.tier, got: g?.tier ?? null });
      }
      if (g?.snapshotVersion !== f.snapshotVersion) versionMismatches++;
    }
    const summary: KillRestartSummary = {
      runId,
      messages: input.messages.length,
      conversations: input.conversations.length,
      kills: sup.counts.kills,
      killsInFlight,
      killsByStage: { ...sup.killsByStage },
      unexpectedExits: sup.counts.unexpectedExits,
      connectRestart,
      brokerRestart,
      stages,
      lost: lostIds.length,
      lostIds: lostIds.slice(0, 20),
      messageRepeats: [...seenMessages.values()].filter((n) => n > 1).length,
      leadScores: scores,
      leadEvents: events,
      duplicateScoreIds: dupScores,
      duplicateEventIds: dupEvents,
      duplicateCeIds: dupCe,
      dlq,
      scoredConversations: clean.finals.size,
      tierMismatches,
      mismatchExamples,
      versionMismatches,
      collectorRecreations: collector.recreations,
      durations: { cleanRunS, startS, insertS, drainS, totalS: (Date.now() - t0) / 1000 },
      ok: false,
    };
    summary.ok = stages.ok && summary.lost === 0 && dupScores === 0 && dupEvents === 0 && dupCe === 0 && tierMismatches === 0 && versionMismatches === 0
      && !!connectRestart && !!brokerRestart && summary.kills >= o.minKills && killsInFlight >= o.minKillsInFlight && dlq === 0;
    return summary;
  } finally {
    await sup.stopAll();
    await collector.stop();
  }
}

export function formatSummary(s: KillRestartSummary): string {
  const r = (x: { signal: string; atRows: number; downMs: number } | null, what: string) => (x ? `once (${x.signal}, after ${x.atRows} ${what}, back in ${(x.downMs / 1000).toFixed(1)} s)` : 'NOT DONE');
  return [
    `kill/restart chaos ${s.runId}: ${s.ok ? 'PASS' : 'FAIL'}`,
    `  messages          ${s.messages} in ${s.conversations} conversations (${s.scoredConversations} scored by the clean run)`,
    `  kill -9           ${s.kills} (${Object.entries(s.killsByStage).map(([k, v]) => `${k} ${v}`).join(', ')}), ${s.killsInFlight} with input in flight; ${s.unexpectedExits} workers exited on their own and were restarted`,
    `  Kafka Connect     ${r(s.connectRestart, 'rows written')}`,
    `  Kafka broker      ${r(s.brokerRestart, 'messages normalized')}`,
    `  lost messages     ${s.lost}${s.lost ? ` (e.g. ${s.lostIds.slice(0, 5).join(', ')})` : ''}; ${s.messageRepeats} message ids repeated on messages.v1`,
    `  duplicates        lead-scores ${s.duplicateScoreIds} of ${s.leadScores}, lead-events ${s.duplicateEventIds} of ${s.leadEvents}, ce_id ${s.duplicateCeIds}`,
    `  tier mismatches   ${s.tierMismatches} of ${s.scoredConversations}${s.mismatchExamples.length ? ` (e.g. ${s.mismatchExamples.slice(0, 3).map((m) => `${m.conversationId}: ${m.expected}≠${m.got}`).join(', ')})` : ''}; last snapshot version differs for ${s.versionMismatches}`,
    ...formatStageCheck(s.stages),
    `  dead letters      ${s.dlq}`,
    `  durations         clean run ${s.durations.cleanRunS.toFixed(1)} s, workers up ${s.durations.startS.toFixed(1)} s, chaos ${s.durations.insertS.toFixed(1)} s, drain ${s.durations.drainS.toFixed(1)} s, total ${s.durations.totalS.toFixed(1)} s`,
  ].join('\n');
}
