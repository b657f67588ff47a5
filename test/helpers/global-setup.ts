// vitest globalSetup of the integration project: makes sure the real stack is reachable before any
// test file runs, so a missing stack is one clear message instead of a hundred timeouts.
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stackEnvVars, stackSettings } from '../../src/stack/settings.js';
import { ensureMinilm } from '../../src/stack/models.js';
import { missingStackEnv, stackEnv, STACK_HINT, type StackEnv } from './stack-env.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function tcpOpen(hostPort: string, timeoutMs = 3_000): Promise<boolean> {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i);
  const port = Number(hostPort.slice(i + 1));
  return new Promise((done) => {
    const sock = createConnection({ host, port });
    const finish = (ok: boolean) => {
      sock.destroy();
      done(ok);
    };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

async function checkReachable(env: StackEnv): Promise<void> {
  const problems: string[] = [];
  if (!(await tcpOpen(env.kafkaBrokers[0]!))) problems.push(`Kafka does not answer on ${env.kafkaBrokers[0]}`);
  const client = new pg.Client({ connectionString: env.databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1 from wire_messages limit 1');
  } catch (err) {
    problems.push(`PostgreSQL at ${env.databaseUrl}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  try {
    const res = await fetch(`${env.connectUrl}/connectors`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) problems.push(`Kafka Connect at ${env.connectUrl} answered HTTP ${res.status}`);
  } catch (err) {
    problems.push(`Kafka Connect at ${env.connectUrl}: ${(err as Error).message}`);
  }
  const model = process.env.EMBED_MODEL_PATH;
  if (!model || !existsSync(join(model, 'onnx', 'model.onnx'))) problems.push(`EMBED_MODEL_PATH (${model ?? 'unset'}) holds no onnx/model.onnx (\`stack up\` fetches it)`);
  try {
    const res = await fetch(`${env.qdrantUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) problems.push(`Qdrant at ${env.qdrantUrl} answered HTTP ${res.status}`);
  } catch (err) {
    problems.push(`Qdrant at ${env.qdrantUrl}: ${(err as Error).message}`);
  }
  if (problems.length > 0) {
    throw new Error(`The stack is configured but not reachable:\n  - ${problems.join('\n  - ')}\nIs it running? \`npx leadwire stack status\`.\n${STACK_HINT}`);
  }
}

/** Starts docker-compose.yml with testcontainers and exports the same variables `stack env` prints. */
async function composeUp(): Promise<() => Promise<void>> {
  const { DockerComposeEnvironment, Wait } = await import('testcontainers');
  const environment = await new DockerComposeEnvironment(repoRoot, 'docker-compose.yml')
    .withWaitStrategy('connect-register-1', Wait.forOneShotStartup())
    .withStartupTimeout(300_000)
    .up();
  // docker-compose.yml publishes the local stack's default ports (checked by test/unit/stack/compose.test.ts).
  const { LEADWIRE_STACK_DIR: _dir, ...endpoints } = stackEnvVars(stackSettings({}));
  // The ONNX embedder's model is a file, not a service: fetched the way `stack up` fetches it.
  ensureMinilm(stackSettings({}), (line) => process.stderr.write(`${line}\n`));
  Object.assign(process.env, {
    ...endpoints,
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:38081/apis/ccompat/v7',
  });
  return async () => {
    await environment.down({ removeVolumes: true });
  };
}

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (missingStackEnv().length > 0) {
    if (process.env.LEADWIRE_TEST_STACK === 'compose') {
      const teardown = await composeUp();
      await checkReachable(stackEnv());
      return teardown;
    }
    // Throws the message that says how to start the stack.
    stackEnv();
  }
  await checkReachable(stackEnv());
}
