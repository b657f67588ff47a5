import { ensureJars } from './jars.js';
import { kafkaRunning, startKafka, waitKafka } from './kafka.js';
import {
  connectRunning, restartIfFailed, stackConnectorDefinition, startConnect, waitConnect, waitConnectorRunning,
} from './connect.js';
import { slotActive } from './postgres.js';
import { readPid, stopGroup, waitFor } from './processes.js';
import type { StackSettings } from './settings.js';

// Restarts of one component of a running stack, for chaos runs and operators. They keep the
// component's data (unlike `down`/`up`), so offsets, transactions and Connect's source offsets
// survive the restart exactly as they would on a real cluster.

export interface RestartOptions {
  /** `term`: SIGTERM and wait (a clean restart); `kill`: SIGKILL the group (a crash). Default term. */
  signal?: 'term' | 'kill';
  /** How long the component stays down before it is started again. Default 0. */
  downMs?: number;
  /** Called between stop and start (e.g. to log or to check what clients do meanwhile). */
  onDown?: () => Promise<void> | void;
}

export interface RestartResult {
  /** Time from the stop signal until the component answered again. */
  downMs: number;
  /** Time from the start until it answered (broker metadata; Connect REST and connector RUNNING). */
  startMs: number;
}

async function stop(s: StackSettings, name: 'kafka' | 'connect', signal: 'term' | 'kill'): Promise<void> {
  if (signal === 'kill') {
    const pid = readPid(s.dir, name);
    if (pid !== undefined) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  // After a SIGKILL this only waits for the group to disappear and removes the pid file.
  await stopGroup(s.dir, name);
}

/**
 * Stops the stack's Kafka broker and starts it again on the same data; returns once it answers
 * metadata requests. Connect is left running: its clients reconnect on their own, and a connector
 * task that failed meanwhile is restarted.
 */
export async function restartKafka(s: StackSettings, opts: RestartOptions = {}): Promise<RestartResult> {
  if (!kafkaRunning(s)) throw new Error(`restartKafka: the stack's broker (${s.dir}) is not running`);
  const jars = ensureJars(s, () => undefined);
  const stopped = Date.now();
  await stop(s, 'kafka', opts.signal ?? 'term');
  await opts.onDown?.();
  if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
  const started = Date.now();
  startKafka(s, jars);
  await waitKafka(s, 120_000);
  const up = Date.now();
  if (connectRunning(s)) await connectorHealthy(s);
  return { downMs: up - stopped, startMs: up - started };
}

/**
 * Stops the stack's Kafka Connect worker and starts it again; returns once the connector and its
 * task are RUNNING and the replication slot is active again (Debezium resumes from its committed
 * source offset; events after it are redelivered, at least once).
 */
export async function restartConnect(s: StackSettings, opts: RestartOptions = {}): Promise<RestartResult> {
  if (!connectRunning(s)) throw new Error(`restartConnect: the stack's Connect worker (${s.dir}) is not running`);
  const jars = ensureJars(s, () => undefined);
  const stopped = Date.now();
  await stop(s, 'connect', opts.signal ?? 'term');
  await opts.onDown?.();
  if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
  const started = Date.now();
  startConnect(s, jars);
  await waitConnect(s, 180_000);
  await connectorHealthy(s);
  const up = Date.now();
  return { downMs: up - stopped, startMs: up - started };
}

async function connectorHealthy(s: StackSettings): Promise<void> {
  const name = stackConnectorDefinition(s).name;
  // A task that lost its broker may have FAILED; Connect does not restart failed tasks by itself.
  await waitFor(async () => {
    await restartIfFailed(s, name);
    return true;
  }, { timeoutMs: 60_000, intervalMs: 1_000, what: `connector ${name} status` });
  await waitConnectorRunning(s, name, 120_000);
  await waitFor(() => slotActive(s), { timeoutMs: 90_000, what: `replication slot ${s.slotName} to become active` });
}
