import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { buildTopology, describeTopology } from '../../topology/topology.js';

export function describeCommand(): Command {
  return new Command('describe')
    .description('print the topology: stages, sources, sinks, stores and topics')
    .option('--json', 'machine-readable')
    .action((opts: { json?: boolean }) => {
      const topo = buildTopology(loadConfig());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ app: topo.app, dlq: topo.dlqTopic, topics: topo.topics, stages: topo.stages.map(({ processor: _p, ...s }) => s) }, null, 2)}\n`);
      } else process.stdout.write(`${describeTopology(topo)}\n`);
    });
}
