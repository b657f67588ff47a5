import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from './stack-settings.js';
import { run } from './processes.js';

export interface StackJars {
  /** Worker classpath folder: Kafka broker, Connect runtime, log4j. */
  lib: string;
  /** Connect plugin.path: the unpacked Debezium PostgreSQL connector. */
  plugins: string;
  /** True when Maven ran (cold start). */
  fetched: boolean;
}

export const stackPom = (s: StackSettings) => join(s.repoRoot, 'stack', 'pom.xml');

/** The cache folder for a pom: a changed pom gets a fresh folder, never a mix of versions. */
export function pomCacheDir(s: StackSettings, pom: string, prefix = ''): string {
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
  return join(s.cacheRoot, `${prefix}${hash}`);
}

export function jarCacheDir(s: StackSettings): string {
  return pomCacheDir(s, stackPom(s));
}

/**
 * Fetches the stack's jars with Maven unless the cache for this pom is complete. Maven's own local
 * repository (~/.m2) makes a re-fetch after a cache wipe cheap as well.
 */
export function ensureJars(s: StackSettings, log: (line: string) => void): StackJars {
  const dir = jarCacheDir(s);
  const lib = join(dir, 'lib');
  const plugins = join(dir, 'plugins');
  const stamp = join(dir, '.complete');
  if (existsSync(stamp) && existsSync(lib) && existsSync(plugins)) return { lib, plugins, fetched: false };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`fetching Kafka, Kafka Connect and Debezium from Maven Central into ${dir} ...`);
  run('mvn', ['-q', '-B', '-f', stackPom(s), 'package', `-Dstack.cache=${dir}`], {
    what: 'mvn (stack/pom.xml)',
    timeoutMs: 15 * 60_000,
  });
  const debezium = existsSync(plugins) ? readdirSync(plugins) : [];
  if (!existsSync(join(lib, `kafka_2.13-${kafkaVersion(s)}.jar`)) || debezium.length === 0) {
    throw new Error(`mvn finished but ${lib} or ${plugins} is incomplete; check stack/pom.xml`);
  }
  writeFileSync(stamp, new Date().toISOString());
  return { lib, plugins, fetched: true };
}

export function kafkaVersion(s: StackSettings): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(stackPom(s), 'utf8'));
  if (!m) throw new Error('stack/pom.xml has no <kafka.version>');
  return m[1]!;
}
