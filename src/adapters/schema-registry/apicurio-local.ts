// A throwaway Apicurio Registry (Quarkus distribution from Maven Central:
// io.apicurio:apicurio-registry-app:<version>:tar.gz:all) run as a plain JVM
// process with in-memory storage. Its Confluent-compatible API at
// /apis/ccompat/v7 is what SCHEMA_REGISTRY_URL points at. Needs Java 21+.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APICURIO_VERSION = '3.3.3';

export interface LocalRegistry { url: string; port: number; proc: ChildProcess; stop(): Promise<void> }

function javaMajor(java: string): number {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  return m ? Number(m[1]) : 0;
}

/** APICURIO_JAVA, JAVA_HOME, `java` on the PATH, then every JDK under /usr/lib/jvm: the first that is 21 or newer. */
export function findJava21(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.APICURIO_JAVA, env.JAVA_HOME && join(env.JAVA_HOME, 'bin', 'java'), 'java'];
  if (existsSync('/usr/lib/jvm')) for (const d of readdirSync('/usr/lib/jvm').sort().reverse()) candidates.push(join('/usr/lib/jvm', d, 'bin', 'java'));
  for (const c of candidates) if (c && javaMajor(c) >= 21) return c;
  throw new Error(`Apicurio Registry ${APICURIO_VERSION} needs Java 21+ (its classes are version 65); none found (set APICURIO_JAVA)`);
}

/** Fetches (Maven, cached in ~/.m2) and unpacks the distribution; returns the folder holding quarkus-run.jar. */
export function ensureApicurio(version = APICURIO_VERSION, cacheRoot = join(homedir(), '.cache', 'leadwire')): string {
  const dir = join(cacheRoot, `apicurio-registry-${version}`);
  if (existsSync(join(dir, 'quarkus-run.jar'))) return dir;
  const tarball = join(homedir(), '.m2', 'repository', 'io', 'apicurio', 'apicurio-registry-app', version, `apicurio-registry-app-${version}-all.tar.gz`);
  if (!existsSync(tarball)) {
    const r = spawnSync('mvn', ['-q', '-B', 'dependency:get', '-Dtransitive=false', `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`], { encoding: 'utf8', timeout: 10 * 60_000 });
    if (r.status !== 0 || !existsSync(tarball)) throw new Error(`mvn could not fetch apicurio-registry-app ${version}: ${r.stdout}${r.stderr}`.slice(0, 2000));
  }
  mkdirSync(dir, { recursive: true });
  const t = spawnSync('tar', ['xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error(`tar failed: ${t.stderr}`);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

export async function startLocalApicurio(opts: { port?: number; timeoutMs?: number } = {}): Promise<LocalRegistry> {
  const dir = ensureApicurio();
  const java = findJava21();
  const port = opts.port ?? await freePort();
  // The management interface (health, metrics) is built in; it gets its own free port instead of 9000.
  const mgmt = await freePort();
  const proc = spawn(java, ['-Xmx512m', '-Dquarkus.http.host=127.0.0.1', `-Dquarkus.http.port=${port}`, '-Dquarkus.management.host=127.0.0.1', `-Dquarkus.management.port=${mgmt}`, '-jar', 'quarkus-run.jar'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer) => { log = (log + b.toString()).slice(-8000); };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => { if (proc.exitCode === null) { proc.kill('SIGTERM'); await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]); if (proc.exitCode === null) proc.kill('SIGKILL'); } };
  const until = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`Apicurio exited with ${proc.exitCode}:\n${log}`);
    const ok = await fetch(`http://127.0.0.1:${port}/apis/registry/v3/system/info`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) { await stop(); throw new Error(`Apicurio not ready on ${port}:\n${log}`); }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url: `http://127.0.0.1:${port}/apis/ccompat/v7`, port, proc, stop };
}
