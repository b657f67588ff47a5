// The short CI form of the chaos runs (docs/chaos.md; full runs: test/chaos/*.ts).
// It restarts Kafka and Kafka Connect, so it brings up a stack of its own on free ports (in a
// temporary directory, removed afterwards) and never touches the stack the other tests share.
// Every wait is on a condition (lags, counts, versions) with a bound; nothing sleeps its way through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSettings } from '../../src/stack/settings.js';
import { chaosStackDown, chaosStackEnv, chaosStackUp, freeStackPorts } from '../chaos/harness.js';
import { CI_DEFAULTS, formatSummary, runKillRestartChaos } from '../chaos/kill-restart-run.js';
import { formatLlmSummary, LLM_CI_DEFAULTS, runLlmOutageChaos } from '../chaos/llm-outage-run.js';

const logDir = join(process.cwd(), '.leadwire', 'chaos-logs');
const say = (line: string) => console.log(`[chaos] ${line}`);

describe('chaos (short form)', () => {
  let env: NodeJS.ProcessEnv | undefined;
  let stack: StackSettings;

  beforeAll(async () => {
    // Ports the OS says are free: neither the shared stack's nor anyone else's throwaway stack.
    env = chaosStackEnv(mkdtempSync(join(tmpdir(), 'leadwire-chaos-ci-')), await freeStackPorts());
    stack = await chaosStackUp(env, say);
  }, 240_000);
  afterAll(async () => { if (env) await chaosStackDown(env, say); }, 120_000);

  it('kill -9 of stage workers with transactions open, a Connect restart and a broker restart: every stage exact against the input, the clean run\'s tiers', async () => {
    const s = await runKillRestartChaos({ stack, ...CI_DEFAULTS, messages: 12_000, logDir, say });
    say(formatSummary(s));
    expect(s.kills).toBeGreaterThanOrEqual(10);
    expect(s.killsInFlight).toBeGreaterThanOrEqual(CI_DEFAULTS.minKillsInFlight);
    // Every stage against what the input says it must have produced (test/chaos/stage-check.ts).
    const found = (f: { count: number; examples: string[] }) => f.examples;
    expect({
      normalizeLost: found(s.stages.normalize.lost),
      windowVersionGaps: found(s.stages.window.versionGaps), windowVersionRepeats: found(s.stages.window.versionRepeats),
      windowWrongContent: found(s.stages.window.wrongContent), windowIncomplete: found(s.stages.window.incomplete), windowMissing: found(s.stages.window.missing),
      extractMissing: found(s.stages.extract.missing), extractRepeats: found(s.stages.extract.repeats),
      scoreMissing: found(s.stages.score.missing), scoreNotLast: found(s.stages.score.notLast),
      scoreDuplicateIds: found(s.stages.score.duplicateScoreIds), eventDuplicateIds: found(s.stages.score.duplicateEventIds),
    }).toEqual({
      normalizeLost: [], windowVersionGaps: [], windowVersionRepeats: [], windowWrongContent: [], windowIncomplete: [], windowMissing: [],
      extractMissing: [], extractRepeats: [], scoreMissing: [], scoreNotLast: [], scoreDuplicateIds: [], eventDuplicateIds: [],
    });
    expect(s.stages.conversationsClosed).toBeGreaterThan(s.conversations / 2);
    expect(s.stages.ok).toBe(true);
    expect(s.versionMismatches).toBe(0);
    expect(s.connectRestart).not.toBeNull();
    expect(s.brokerRestart).not.toBeNull();
    expect(s.lostIds).toEqual([]);
    expect(s.leadScores).toBeGreaterThan(0);
    expect({ scores: s.duplicateScoreIds, events: s.duplicateEventIds, ceIds: s.duplicateCeIds }).toEqual({ scores: 0, events: 0, ceIds: 0 });
    expect(s.mismatchExamples).toEqual([]);
    expect(s.tierMismatches).toBe(0);
    expect(s.dlq).toBe(0);
  }, 600_000);

  it('30% of LLM calls failing: no stage stalls, degraded results are marked, every degraded conversation is extracted again', async () => {
    const s = await runLlmOutageChaos({ stack, ...LLM_CI_DEFAULTS, logDir, say });
    say(formatLlmSummary(s));
    expect(s.llm.failedShareDuringOutage).toBeGreaterThan(0.15);
    expect(s.degradedSignals).toBeGreaterThan(0);
    expect(s.degradedWithLlm).toBe(0);
    expect(s.degradedFlagMismatches).toBe(0);
    expect(s.stalled).toEqual([]);
    expect(s.notReextractedExamples).toEqual([]);
    expect(s.dlq).toBe(0);
  }, 200_000);
});
