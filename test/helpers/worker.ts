// Spawns `leadwire run --stage ...` as a real child process, so tests can
// SIGTERM it (graceful) or SIGKILL it (crash) like an orchestrator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Worker {
  proc: ChildProcess;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  term(): Promise<number | null>;
  log: string;
}

const LOG_DIR = join(process.cwd(), '.leadwire', 'test-logs');

export function spawnWorker(stages: string[], env: Record<string, string>, name: string): Worker {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = join(LOG_DIR, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const proc = spawn(process.execPath, ['bin/leadwire.js', 'run', ...stages.flatMap((s) => ['--stage', s])], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc, exited, log,
    async kill9() { proc.kill('SIGKILL'); await exited; },
    async term() { proc.kill('SIGTERM'); return exited; },
  };
}
