import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { StackSettings } from './settings.js';
import type { StackJars } from './jars.js';
import { renderTemplate } from './template.js';
import { isAlive, logFile, readPid, run, spawnDetached, waitFor } from './processes.js';

// The JVM processes of the stack (a single-node KRaft broker and a Kafka Connect worker) share one
// classpath folder and one log4j2 configuration.

export const kafkaLog = (s: StackSettings) => logFile(s.dir, 'kafka');
export const connectLog = (s: StackSettings) => logFile(s.dir, 'connect');
const kafkaDataDir = (s: StackSettings) => join(s.dir, 'data', 'kafka');
const confDir = (s: StackSettings) => join(s.dir, 'conf');

export function jvmArgs(s: StackSettings, jars: StackJars, name: string): string[] {
  return [
    `-Xmx${s.jvmHeap}`,
    '-Xms64m',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(s.repoRoot, 'stack', 'config', 'log4j2.properties')}`,
    `-Dleadwire.stack.process=${name}`,
    '-cp',
    `${jars.lib}/*`,
  ];
}

export function renderConfig(s: StackSettings, template: string, vars: Record<string, string | number>): string {
  const text = readFileSync(join(s.repoRoot, 'stack', 'config', template), 'utf8');
  mkdirSync(confDir(s), { recursive: true });
  const out = join(confDir(s), template);
  writeFileSync(out, renderTemplate(text, vars));
  return out;
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints). */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function kafkaRunning(s: StackSettings): boolean {
  return isAlive(readPid(s.dir, 'kafka'));
}

/** Formats storage when the log dir is new and starts the broker; returns whether the data is new. */
export function startKafka(s: StackSettings, jars: StackJars): { fresh: boolean } {
  const data = kafkaDataDir(s);
  const props = renderConfig(s, 'server.properties', {
    KAFKA_PORT: s.kafkaPort,
    KAFKA_CONTROLLER_PORT: s.controllerPort,
    KAFKA_LOG_DIR: data,
  });
  const fresh = !existsSync(join(data, 'meta.properties'));
  if (fresh) {
    mkdirSync(data, { recursive: true });
    run('java', [...jvmArgs(s, jars, 'kafka-format'), 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', props], {
      what: 'kafka storage format',
    });
  }
  spawnDetached(s.dir, {
    name: 'kafka',
    command: 'java',
    args: [...jvmArgs(s, jars, 'kafka'), 'kafka.Kafka', props],
    cwd: s.dir,
    logFile: kafkaLog(s),
  });
  return { fresh };
}

export function stackKafka(s: StackSettings): Kafka {
  return new Kafka({
    clientId: 'leadwire-stack',
    brokers: [`127.0.0.1:${s.kafkaPort}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 0 },
  });
}

export async function withAdmin<T>(s: StackSettings, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = stackKafka(s).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Ready means the broker answers metadata requests with itself as the controller. */
export async function kafkaAnswers(s: StackSettings): Promise<boolean> {
  return withAdmin(s, async (admin) => {
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  });
}

export async function waitKafka(s: StackSettings, timeoutMs = 90_000): Promise<void> {
  await waitFor(() => kafkaAnswers(s), {
    timeoutMs,
    intervalMs: 300,
    what: `Kafka on 127.0.0.1:${s.kafkaPort}`,
    abortIf: () => (kafkaRunning(s) ? undefined : 'the Kafka broker exited during startup'),
  });
}
