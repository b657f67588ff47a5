import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';

// Stack processes run detached in their own session (process group), so they outlive the CLI that
// started them and can be stopped as a group. Their pids live in `<dir>/pids/<name>.pid`.

export interface DetachedSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export const pidFile = (dir: string, name: string) => join(dir, 'pids', `${name}.pid`);
export const logFile = (dir: string, name: string) => join(dir, 'logs', `${name}.log`);

export function spawnDetached(dir: string, spec: DetachedSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(join(dir, 'pids'), { recursive: true });
  // One log per run, so a failure's tail is about this run; the previous run's log is kept beside it.
  if (existsSync(spec.logFile)) renameSync(spec.logFile, `${spec.logFile}.prev`);
  const fd = openSync(spec.logFile, 'w');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${spec.command} for ${spec.name}`);
    child.unref();
    writeFileSync(pidFile(dir, spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function readPid(dir: string, name: string): number | undefined {
  const f = pidFile(dir, name);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie answers signal 0; it is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, then SIGKILL after `graceMs`. Returns once the group is gone. */
export async function stopGroup(dir: string, name: string, graceMs = 20_000): Promise<boolean> {
  const pid = readPid(dir, name);
  let stopped = false;
  if (pid !== undefined && groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch { /* already gone */ }
    const gone = await waitFor(async () => !groupAlive(pid), { timeoutMs: graceMs, intervalMs: 200 }).then(() => true, () => false);
    if (!gone) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch { /* already gone */ }
      await waitFor(async () => !groupAlive(pid), { timeoutMs: 5_000, intervalMs: 100 }).catch(() => undefined);
    }
    stopped = true;
  }
  rmSync(pidFile(dir, name), { force: true });
  return stopped;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Fails fast (with this message) when it returns a string, e.g. because the process died. */
  abortIf?: () => string | undefined;
  what?: string;
}

/** Polls `check` until it returns a truthy value; the last error is kept for the timeout message. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    const abort = opts.abortIf?.();
    if (abort) throw new Error(abort);
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** The last `lines` lines of a log file (reads at most the last 64 KiB). */
export function tailFile(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const size = statSync(file).size;
  const start = Math.max(0, size - 64 * 1024);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8').split('\n').slice(-lines - 1).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** Runs a short command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; what: string; timeoutMs?: number }): string {
  const r = spawnSync(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  if (r.error) throw new Error(`${opts.what}: cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${opts.what} failed (exit ${r.status}):\n${out}`);
  }
  return r.stdout;
}
