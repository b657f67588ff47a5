/** Where the local stack lives and the ports it listens on (resolved by settings.ts from the environment). */
export interface StackSettings {
  /** Runtime state: pids, logs, Kafka and Connect data, rendered configs. Wiped by `down`. */
  dir: string;
  /** Jar cache (survives `down`): `<cache>/<pom hash>/{lib,plugins}`. */
  cacheRoot: string;
  /**
   * PostgreSQL data directory. It lives outside `dir` because the server runs as the `postgres`
   * user, which cannot traverse a root-only checkout (CI clones into a mode-700 temp dir).
   */
  pgDataDir: string;
  pgBin: string;
  pgPort: number;
  kafkaPort: number;
  controllerPort: number;
  connectPort: number;
  qdrantPort: number;
  database: string;
  topicPrefix: string;
  connectorName: string;
  slotName: string;
  jvmHeap: string;
  repoRoot: string;
}
