// Where the integration tests find the real stack. The values come from `leadwire stack env`
// (or from the compose stack that global-setup.ts starts when LEADWIRE_TEST_STACK=compose).

export interface StackEnv {
  kafkaBrokers: string[];
  databaseUrl: string;
  connectUrl: string;
  topicPrefix: string;
  qdrantUrl: string;
}

export const STACK_ENV_NAMES = ['KAFKA_BROKERS', 'DATABASE_URL', 'CONNECT_URL', 'DEBEZIUM_TOPIC_PREFIX', 'QDRANT_URL'] as const;

export const STACK_HINT =
  'Integration tests need the real stack. Start it and export its settings:\n' +
  '  npx leadwire stack up\n' +
  '  eval "$(npx leadwire stack env)"\n' +
  '(or run everything with `npm test`; with Docker: LEADWIRE_TEST_STACK=compose)';

export function missingStackEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return STACK_ENV_NAMES.filter((n) => !env[n]);
}

export function stackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const missing = missingStackEnv(env);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set.\n${STACK_HINT}`);
  return {
    kafkaBrokers: env.KAFKA_BROKERS!.split(',').map((b) => b.trim()).filter(Boolean),
    databaseUrl: env.DATABASE_URL!,
    connectUrl: env.CONNECT_URL!.replace(/\/$/, ''),
    topicPrefix: env.DEBEZIUM_TOPIC_PREFIX!,
    qdrantUrl: env.QDRANT_URL!.replace(/\/$/, ''),
  };
}
