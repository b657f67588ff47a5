import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import { readDebeziumFile } from '../../sources/debezium-file.js';
import { kafkaTarget, localTarget, type PipelineTarget } from '../../topology/pipeline-target.js';
import { createProgress, paceTo } from '../progress.js';
import { formatLeadTable } from '../format-leads.js';

/** `leadwire replay FILE`: Debezium events from a file through the topology. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('push a file of Debezium events (JSON lines) through the topology: locally (default) or onto the source topic on Kafka')
    .argument('<file>', 'JSON lines: Debezium envelopes, or captured records {key, value, timestamp}')
    .option('--kafka', 'produce onto the Debezium source topic instead of running the topology in this process')
    .option('--rate <n>', 'at most n events per second', (v) => Number(v))
    .option('--json', 'print the latest signals per conversation as JSON lines')
    .action(async (file: string, opts: { kafka?: boolean; rate?: number; json?: boolean }) => {
      if (!existsSync(file)) { process.stderr.write(`leadwire replay: no such file ${file}\n`); process.exitCode = 2; return; }
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('replay');
      const target: PipelineTarget = opts.kafka ? await kafkaTarget(config, log) : localTarget(config, log);
      const progress = createProgress('replay');
      const started = Date.now();
      let n = 0;
      for await (const batch of readDebeziumFile(file)) {
        await target.push(batch);
        n += batch.length;
        progress.add(batch.length);
        await paceTo(opts.rate, n, started);
      }
      progress.finish();
      const results = await target.finish();
      if (results) process.stdout.write(opts.json ? results.signals.map((r) => JSON.stringify(r)).join('\n') + '\n' : formatLeadTable(results.scores));
      else process.stderr.write(`replay: ${n} events produced onto the source topic; run the stages to process them\n`);
    });
}
