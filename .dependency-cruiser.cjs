// The dependency rule (docs/architecture.md): src/ is a stack of layers, and a
// module imports only from its own folder or from layers below it. `npm run
// depcheck` checks it, and `npm test` runs that before any test. There are no
// exceptions: a new import that breaks a rule moves code, not the rule.

/** Lowest first. Each top-level folder of src/ is one layer. */
const LAYERS = [
  'core', // errors, logger, metrics registry, retry, uuid
  'config', // the zod config, read once at start
  'stream', // the Processor API and stage specs: the contract both runtimes implement
  'records', // every record on a topic, tiers, labels, ids
  'ports', // interfaces the adapters implement (embedder, vector store, analytics store, LLM client, cache)
  'policies', // circuit breaker, rate limiter, in-memory cache
  'processors', // the stages' logic: records in, records out, through ports
  'adapters', // clients of Kafka, PostgreSQL, Qdrant, OpenAI, ONNX, the schema registry
  'runtime', // the local and Kafka runtimes, the task, the test driver
  'eval',
  'search',
  'sources', // readers of Debezium files, tables and samples
  'recalibrate',
  'http', // the lead API and board server
  'topology', // the composition root: builds every port from the config and wires the stages
  'stack', // the local PostgreSQL/Kafka/Connect/Qdrant for development and tests
  'cli', // thin commands: parse arguments, call a module
];

const above = (i) => LAYERS.slice(i + 1);
const folder = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} is below ${above(i).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: folder(above(i)) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-unknown-folder',
      comment: 'every top-level folder of src/ has a place in the layers (add it to LAYERS in .dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folder(LAYERS) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, between modules or folders',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'processors-use-ports',
      comment: 'processors get clients as ports: they import no Kafka, PostgreSQL, Qdrant or OpenAI code and no adapter',
      severity: 'error',
      from: { path: '^src/processors/' },
      to: { path: ['^src/adapters/', 'node_modules/(kafkajs|pg|pg-[^/]+|@qdrant/[^/]+|openai|@kafkajs/[^/]+)/'] },
    },
    {
      name: 'processors-metrics-through-context',
      comment: 'processors report through ctx.metrics() (or the StageMetrics they are given): no prom-client, no process registry',
      severity: 'error',
      from: { path: '^src/processors/' },
      to: { path: ['node_modules/prom-client/', '^src/core/metrics\\.ts$'] },
    },
    {
      name: 'kafkajs-one-door',
      comment: 'kafkajs is imported under src/adapters/kafka only (and by the local stack tooling): producer with event time, catch-up reader, changelog reader, admin, client types',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(adapters/kafka|stack)/' },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 'pg-one-door',
      comment: 'pg is imported under src/adapters only (src/adapters/pg, the analytics store), and by the local stack tooling',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(adapters|stack)/' },
      to: { path: 'node_modules/(pg|pg-[^/]+)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: ['^src/', '^node_modules/'],
    exclude: { path: '^src/.*\\.(js|css|html)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
