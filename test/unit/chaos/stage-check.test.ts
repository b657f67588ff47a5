// The chaos runs' per-stage check (test/chaos/stage-check.ts) on the real topology in the local
// runtime: the input written by a chaos run passes it, and a stage that loses, or repeats, one
// record makes it fail at that stage. This is what makes "0 lost" in docs/chaos.md mean every stage.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { sourceTopic } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { LeadEventRecord, LeadScoreRecord } from '../../../src/records/lead-records.js';
import type { SignalsRecord } from '../../../src/records/signals-record.js';
import type { ConversationSnapshot } from '../../../src/records/conversation-snapshot.js';
import { createLocalRuntime } from '../../../src/runtime/local-runtime.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../../src/stream/processor-api.js';
import { buildTopology, STAGE } from '../../../src/topology/topology.js';
import { chaosInput, envelopeOf } from '../../chaos/harness.js';
import { CHAOS_RUN_VARS } from '../../chaos/kill-restart-run.js';
import { checkStages, emptyObservation, expectFromInput, snapshotOf, type StageCheck } from '../../chaos/stage-check.js';

const PARTITIONS = 4;
const config = loadConfig({ ...CHAOS_RUN_VARS, KAFKA_PARTITIONS: String(PARTITIONS) });
const input = chaosInput({ messages: 600, seed: 11, runSeq: 1, startMs: Date.UTC(2026, 0, 5), arrivalMeanMs: 2 * 60_000 });
const expectation = expectFromInput(input.messages, { partitions: PARTITIONS, gapMs: config.window.gapMs });

type Fault = { stage: string; kind: 'drop-output' | 'drop-input' | 'repeat-output'; nth: number };

/** The topology, with one stage misbehaving once when asked. */
async function run(fault?: Fault): Promise<StageCheck> {
  const topology = buildTopology(config);
  if (fault) {
    const spec = topology.stages.find((s) => s.name === fault.stage)!;
    const make = spec.processor;
    let seen = 0;
    spec.processor = () => {
      const p = make() as Processor<unknown, unknown>;
      return {
        ...p,
        init(ctx: ProcessorContext<unknown>) {
          const forward = ctx.forward.bind(ctx);
          const wrapped = Object.create(ctx) as ProcessorContext<unknown>;
          wrapped.forward = (r, out) => {
            if (fault.kind === 'drop-input') return forward(r, out);
            if (++seen === fault.nth) { if (fault.kind === 'repeat-output') forward(r, out); else return; }
            forward(r, out);
          };
          return p.init(wrapped);
        },
        process(r: StreamRecord<unknown>) {
          if (fault.kind === 'drop-input' && ++seen === fault.nth) return;
          return p.process(r);
        },
        onTimer: p.onTimer?.bind(p),
        close: p.close.bind(p),
      };
    };
  }
  const rt = createLocalRuntime(topology, { clock: { now: () => Date.now() }, logger: silentLogger, partitions: PARTITIONS });
  for (const e of input.messages.map(envelopeOf)) rt.produce(sourceTopic(config.topics), e);
  await rt.runUntilIdle();
  const obs = emptyObservation();
  for (const r of rt.read<{ id: string }>(config.topics.messages)) obs.messages.set(r.value.id, (obs.messages.get(r.value.id) ?? 0) + 1);
  for (const r of rt.read<ConversationSnapshot>(config.topics.conversations)) obs.snapshots.push(snapshotOf(r.value));
  for (const r of rt.read<SignalsRecord>(config.topics.signals)) obs.signals.push({ conversationId: r.value.conversationId, snapshotVersion: r.value.snapshotVersion, revision: r.value.revision });
  for (const r of rt.read<LeadScoreRecord>(config.topics.leadScores)) obs.scores.push({ conversationId: r.value.conversationId, snapshotVersion: r.value.snapshotVersion, revision: r.value.revision, eventId: r.value.eventId });
  for (const r of rt.read<LeadEventRecord>(config.topics.leadEvents)) obs.eventIds.push(r.value.eventId);
  await rt.stop();
  return checkStages(expectation, obs);
}

describe('chaos stage check', () => {
  it('expects every input message, and closed sessions for most conversations', () => {
    expect(expectation.messageIds.size).toBe(input.messages.length);
    expect(expectation.mustClose.size).toBeGreaterThan(expectation.conversations.size / 2);
  });

  it('the real topology, run without faults, passes it', async () => {
    const c = await run();
    expect(c).toMatchObject({ ok: true });
  });

  it.each([
    ['normalize loses one message', { stage: STAGE.normalize, kind: 'drop-output', nth: 300 }, (c: StageCheck) => c.normalize.lost.count],
    ['window skips one message', { stage: STAGE.window, kind: 'drop-input', nth: 300 }, (c: StageCheck) => c.window.wrongContent.count + c.window.incomplete.count],
    ['window loses one snapshot', { stage: STAGE.window, kind: 'drop-output', nth: 40 }, (c: StageCheck) => c.window.versionGaps.count + c.window.missing.count + c.window.incomplete.count],
    ['window emits one snapshot twice', { stage: STAGE.window, kind: 'repeat-output', nth: 40 }, (c: StageCheck) => c.window.versionRepeats.count],
    ['extract loses one signals record', { stage: STAGE.extract, kind: 'drop-output', nth: 40 }, (c: StageCheck) => c.extract.missing.count],
    ['score loses one lead score', { stage: STAGE.score, kind: 'drop-output', nth: 1 }, (c: StageCheck) => c.score.missing.count],
    ['score emits one record twice', { stage: STAGE.score, kind: 'repeat-output', nth: 1 }, (c: StageCheck) => c.score.duplicateScoreIds.count + c.score.duplicateEventIds.count],
  ] as Array<[string, Fault, (c: StageCheck) => number]>)('%s: the check fails at that stage', async (_name, fault, at) => {
    const c = await run(fault);
    expect(c.ok).toBe(false);
    expect(at(c)).toBeGreaterThan(0);
  });
});
