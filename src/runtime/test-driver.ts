// Drives one stage's processor in-process with an explicit clock, the way
// Kafka Streams' TopologyTestDriver does: pipe records in, read outputs, move
// the wall clock, fire timers. Used by unit tests of every processor.
import { silentLogger } from '../core/logger.js';
import type { OutputRecord, StreamRecord } from '../stream/processor-api.js';
import type { StageSpec } from '../stream/stage.js';
import { StageTask, newUnit, type WorkUnit } from './task.js';

export interface DriverOutput { output: string; record: OutputRecord<unknown> }

export class ManualClock {
  constructor(public time = 0) {}
  now() { return this.time; }
  advance(ms: number) { this.time += ms; }
  set(ms: number) { this.time = ms; }
}

export interface TestDriver {
  task: StageTask;
  clock: ManualClock;
  /** Processes one record; event timers due at the new stream time fire after it. */
  pipe(record: Partial<StreamRecord<unknown>> & { value: unknown }): Promise<WorkUnit>;
  /** Moves the wall clock and fires due wall timers. */
  advanceWallClock(ms: number): Promise<void>;
  outputs: DriverOutput[];
  deadLetters: WorkUnit['deadLetters'];
  changelog: WorkUnit['changelog'];
  /** Outputs of one named output, values only. */
  values<T = unknown>(output?: string): T[];
  close(): Promise<void>;
}

export async function createTestDriver(
  spec: StageSpec,
  opts: { clock?: ManualClock; partition?: number; restore?: Array<{ store: string; key: string; value: unknown | null }> } = {},
): Promise<TestDriver> {
  const clock = opts.clock ?? new ManualClock(0);
  const task = new StageTask(spec, opts.partition ?? 0, { clock, logger: silentLogger });
  // A restart: changelog records (stores and timers) applied before init, as the runtimes restore them.
  for (const w of opts.restore ?? []) task.restore(w.store, w.key, w.value);
  await task.init();
  const outputs: DriverOutput[] = [];
  const deadLetters: WorkUnit['deadLetters'] = [];
  const changelog: WorkUnit['changelog'] = [];
  let offset = 0n;
  const collect = (u: WorkUnit) => { outputs.push(...u.outputs); deadLetters.push(...u.deadLetters); changelog.push(...u.changelog); };
  const drainTimers = () => { for (const u of task.takeTimerUnits()) collect(u); };
  drainTimers();
  return {
    task, clock, outputs, deadLetters, changelog,
    async pipe(partial) {
      const record: StreamRecord<unknown> = {
        key: partial.key ?? null,
        value: partial.value,
        timestamp: partial.timestamp ?? clock.now(),
        headers: partial.headers ?? {},
        origin: partial.origin ?? { topic: spec.input.topic, partition: opts.partition ?? 0, offset: String(offset) },
      };
      task.advanceStreamTime(record.timestamp);
      await task.drain();
      drainTimers();
      const unit = newUnit(record, offset++);
      await task.run(unit);
      collect(unit);
      return unit;
    },
    async advanceWallClock(ms) {
      clock.advance(ms);
      task.fireDue('wall');
      await task.drain();
      drainTimers();
    },
    values(output = 'default') { return outputs.filter((o) => o.output === output).map((o) => o.record.value) as never; },
    async close() { await task.close(); },
  };
}
