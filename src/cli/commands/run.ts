import { buildPorts } from '../../topology/ports.js';
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { buildTopology } from '../../topology/topology.js';
import { startKafkaRuntime } from '../../runtime/kafka/kafka-runtime.js';
import { flushLogs, moduleLogger, rootLogger } from '../../core/logger.js';
import { enableDefaultMetrics } from '../../core/metrics.js';
import { startOpsServer } from '../../adapters/http/ops-server.js';

const collect = (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** `leadwire run --stage X [--stage Y]`: stages on Kafka, each its own consumer group. */
export function runCommand(): Command {
  return new Command('run')
    .description('run one or more stages on Kafka (exactly-once, each stage its own consumer group)')
    .requiredOption('--stage <name>', 'stage to run (repeat or comma-separate for several; "all" for every stage)', collect, [])
    .action(async (opts: { stage: string[] }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      enableDefaultMetrics();
      const log = moduleLogger('run');
      const topology = buildTopology(config, buildPorts(config, { logger: log }));
      const stages = opts.stage.includes('all') ? topology.stages.map((s) => s.name) : opts.stage;
      // Signals are handled from the first moment: an orchestrator may stop a
      // worker that is still joining its groups, and that must still be a clean exit.
      let stopping = false;
      let rt: Awaited<ReturnType<typeof startKafkaRuntime>> | undefined;
      let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'draining and leaving the group');
        const force = setTimeout(() => { log.error('shutdown took too long; exiting'); void flushLogs().finally(() => process.exit(1)); }, 30_000);
        await rt?.stop();
        ops?.close();
        clearTimeout(force);
        log.info('stopped cleanly');
        await flushLogs();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
      rt = await startKafkaRuntime(topology, { cfg: config.kafka, clock: { now: () => Date.now() }, logger: log, stages });
      if (stopping) { await rt.stop(); return; }
      log.info({ stages, brokers: config.kafka.brokers }, 'running');
      let ready = false;
      void rt.ready.then(() => { ready = true; });
      ops = config.metricsPort ? await startOpsServer({ port: config.metricsPort, ready: () => ready, logger: log }) : undefined;
      await rt.done;
    });
}
