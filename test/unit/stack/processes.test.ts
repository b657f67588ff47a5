import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, logFile, readPid, spawnDetached, stopGroup, tailFile, waitFor } from '../../../src/stack/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'leadwire-stack-unit-'));

describe('stack processes', () => {
  afterAll(async () => {
    await stopGroup(dir, 'sleeper', 1_000);
  });

  it('runs a detached process group, logs to its file, and stops the whole group', async () => {
    // A parent shell with a child: stopping must take both (Kafka's and runuser's children too).
    const pid = spawnDetached(dir, {
      name: 'sleeper',
      command: 'sh',
      args: ['-c', 'echo started; sleep 30 & wait'],
      cwd: dir,
      logFile: logFile(dir, 'sleeper'),
    });
    expect(readPid(dir, 'sleeper')).toBe(pid);
    await waitFor(async () => readFileSync(logFile(dir, 'sleeper'), 'utf8').includes('started'), { timeoutMs: 5_000, what: 'log line' });
    expect(isAlive(pid)).toBe(true);
    expect(await stopGroup(dir, 'sleeper', 5_000)).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(() => process.kill(-pid, 0)).toThrow();
    expect(readPid(dir, 'sleeper')).toBeUndefined();
  });

  it('keeps the previous run\'s log beside the new one', async () => {
    spawnDetached(dir, { name: 'sleeper', command: 'sh', args: ['-c', 'echo second'], cwd: dir, logFile: logFile(dir, 'sleeper') });
    await waitFor(async () => readFileSync(logFile(dir, 'sleeper'), 'utf8').includes('second'), { timeoutMs: 5_000, what: 'log line' });
    expect(readFileSync(`${logFile(dir, 'sleeper')}.prev`, 'utf8')).toContain('started');
    expect(readFileSync(logFile(dir, 'sleeper'), 'utf8')).not.toContain('started');
  });

  it('waits until a check passes, fails fast on abort, and names what it waited for on timeout', async () => {
    let n = 0;
    await expect(waitFor(async () => ++n >= 3 && n, { timeoutMs: 2_000, intervalMs: 5 })).resolves.toBe(3);
    await expect(waitFor(async () => false, { timeoutMs: 5_000, abortIf: () => 'the broker exited' })).rejects.toThrow('the broker exited');
    await expect(
      waitFor(async () => { throw new Error('ECONNREFUSED'); }, { timeoutMs: 50, intervalMs: 10, what: 'Kafka' }),
    ).rejects.toThrow(/waiting for Kafka: ECONNREFUSED/);
  });

  it('tails the end of a log', () => {
    const f = join(dir, 'x.log');
    writeFileSync(f, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
    const tail = tailFile(f, 3).trim().split('\n');
    expect(tail.slice(-3)).toEqual(['line 97', 'line 98', 'line 99']);
    expect(tailFile(join(dir, 'missing.log'))).toMatch(/no log/);
  });
});
