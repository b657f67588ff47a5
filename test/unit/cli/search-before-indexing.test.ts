// `leadwire search` with nothing indexed says so and what to run, instead of an empty list.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function search(args: string[], stateDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, LOG_LEVEL: 'silent', LEADWIRE_STATE_DIR: stateDir, QDRANT_URL: '', LEADWIRE_VECTORS_FILE: '' };
  return new Promise((done) => {
    execFile(process.execPath, ['bin/leadwire.js', 'search', ...args], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('search before anything is indexed', () => {
  it('names the empty store and the command that fills it, exit code 1', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lw-search-')), 'state');
    const r = await search(['pide cotización'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`leadwire search: nothing is indexed yet in ${join(dir, 'vectors.jsonl')}: run \`npx leadwire start --once\` (the bundled samples, or wire_messages with DATABASE_URL) with the same LEADWIRE_STATE_DIR, then search again`);
    const json = await search(['pide cotización', '--json'], dir);
    expect([json.code, json.stdout]).toEqual([1, '[]\n']);
  }, 60_000);
});
