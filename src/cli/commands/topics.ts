import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { buildTopology } from '../../topology/topology.js';
import { createKafka } from '../../adapters/kafka/kafka-factory.js';
import { ensureTopics } from '../../adapters/kafka/topic-admin.js';
import { moduleLogger } from '../../core/logger.js';

export function topicsCommand(): Command {
  const cmd = new Command('topics').description("leadwire's Kafka topics");
  cmd.command('create').description('create missing topics (idempotent)').action(async () => {
    const config = loadConfig();
    const admin = createKafka(config.kafka, moduleLogger('topics')).admin();
    await admin.connect();
    try {
      const { created, mismatched } = await ensureTopics(admin, buildTopology(config).topics, { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor });
      process.stdout.write(created.length ? `created: ${created.join(', ')}\n` : 'all topics exist\n');
      for (const m of mismatched) process.stdout.write(`warning: ${m.name} has ${m.actual} partitions, the topology expects ${m.expected} (left as it is)\n`);
    } finally { await admin.disconnect(); }
  });
  cmd.command('describe').description('partitions and settings of each topic').action(async () => {
    const config = loadConfig();
    const admin = createKafka(config.kafka, moduleLogger('topics')).admin();
    await admin.connect();
    try {
      const topics = buildTopology(config).topics;
      const existing = new Set(await admin.listTopics());
      for (const t of topics) {
        if (!existing.has(t.name)) { process.stdout.write(`${t.name}: MISSING (run \`leadwire topics create\`)\n`); continue; }
        const md = await admin.fetchTopicMetadata({ topics: [t.name] });
        const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: t.name, configNames: ['cleanup.policy', 'retention.ms'] }] });
        const entries = cfg.resources[0]?.configEntries.map((e) => `${e.configName}=${e.configValue}`).join(' ') ?? '';
        process.stdout.write(`${t.name}: ${md.topics[0]?.partitions.length} partitions ${entries}\n`);
      }
    } finally { await admin.disconnect(); }
  });
  return cmd;
}
