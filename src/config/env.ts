// Environment variable → config path. This table is the source of the README's
// configuration table (`leadwire config --table` prints it).
export interface EnvVar { env: string; path: string; doc: string; secret?: boolean }

export const envVars: EnvVar[] = [
  { env: 'LEADWIRE_RUNTIME', path: 'runtime', doc: '`local` (in-process, default) or `kafka`' },
  { env: 'KAFKA_BROKERS', path: 'kafka.brokers', doc: 'Comma-separated bootstrap servers' },
  { env: 'KAFKA_CLIENT_ID', path: 'kafka.clientId', doc: 'Kafka client id prefix' },
  { env: 'LEADWIRE_INSTANCE_ID', path: 'kafka.instanceId', doc: 'Stable id of this worker; transactional ids derive from it (defaults to HOSTNAME)' },
  { env: 'KAFKA_PARTITIONS', path: 'kafka.partitions', doc: 'Partitions for topics leadwire creates' },
  { env: 'KAFKA_REPLICATION_FACTOR', path: 'kafka.replicationFactor', doc: 'Replication factor for topics leadwire creates' },
  { env: 'KAFKA_TRANSACTION_TIMEOUT_MS', path: 'kafka.transactionTimeoutMs', doc: 'Producer transaction timeout' },
  { env: 'KAFKA_COMMIT_INTERVAL_MS', path: 'kafka.commitIntervalMs', doc: 'How often a stage commits its transaction' },
  { env: 'KAFKA_SESSION_TIMEOUT_MS', path: 'kafka.sessionTimeoutMs', doc: 'Consumer group session timeout' },
  { env: 'DEBEZIUM_TOPIC_PREFIX', path: 'topics.sourcePrefix', doc: 'Debezium `topic.prefix`; source topic is `<prefix>.public.wire_messages`' },
  { env: 'LEADWIRE_SOURCE_TOPIC', path: 'topics.source', doc: 'Override the full source topic name' },
  { env: 'LEADWIRE_ACCEPT_TYPES', path: 'normalize.acceptTypes', doc: 'wire_messages.type values to keep (comma-separated)' },
  { env: 'LEADWIRE_FROM_DATE', path: 'normalize.fromDate', doc: 'Drop messages created before this ISO date' },
  { env: 'LEADWIRE_TO_DATE', path: 'normalize.toDate', doc: 'Drop messages created after this ISO date' },
  { env: 'LEADWIRE_DEFAULT_ROLE', path: 'normalize.defaultRole', doc: 'Role for a sendable_type missing from the role map' },
  { env: 'WINDOW_GAP_MS', path: 'window.gapMs', doc: 'Quiet time (event time) that closes a session' },
  { env: 'WINDOW_MAX_DELAY_MS', path: 'window.maxDelayMs', doc: 'Longest a change waits before a snapshot' },
  { env: 'WINDOW_TTL_MS', path: 'window.ttlMs', doc: 'Idle conversation state expiry' },
  { env: 'WINDOW_MAX_MESSAGES', path: 'window.maxMessages', doc: 'Messages kept in the transcript' },
  { env: 'WINDOW_MAX_CHARS', path: 'window.maxChars', doc: 'Characters kept in the transcript' },
  { env: 'WINDOW_HOT_TRIGGERS', path: 'window.hotTriggers', doc: 'Signal ids that emit a snapshot at once' },
  { env: 'LEADWIRE_CATALOG', path: 'extract.catalog', doc: 'Signal catalog: a name in catalogs/ or a YAML path' },
  { env: 'EXTRACT_CONCURRENCY', path: 'extract.concurrency', doc: 'Conversations extracted at once per partition' },
  { env: 'DATABASE_URL', path: 'database.url', doc: 'PostgreSQL for the query-based reader and analytics', secret: true },
  { env: 'CONNECT_URL', path: 'connectUrl', doc: 'Kafka Connect REST endpoint' },
  { env: 'SCHEMA_REGISTRY_URL', path: 'schemaRegistryUrl', doc: 'Confluent-compatible schema registry (optional)' },
  { env: 'LOG_LEVEL', path: 'log.level', doc: 'pino level' },
];
