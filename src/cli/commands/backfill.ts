import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import { createTableReader, fileCheckpointStore } from '../../sources/pg-table-reader.js';
import { kafkaTarget, localTarget, type PipelineTarget } from '../../topology/pipeline-target.js';
import { createProgress, paceTo } from '../progress.js';
import { formatLeadTable } from '../format-leads.js';

const date = (v: string) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${v} (use ISO, e.g. 2026-11-01 or 2026-11-01T08:00:00Z)`);
  return d;
};

/** `leadwire backfill`: wire_messages from PostgreSQL through the topology, resumable. */
export function backfillCommand(): Command {
  return new Command('backfill')
    .description('read wire_messages from DATABASE_URL in keyset-paginated batches and push them through the topology (resumable)')
    .option('--from <date>', 'created_at ≥ this', date)
    .option('--to <date>', 'created_at < this', date)
    .option('--conversation <id>', 'only this conversation')
    .option('--kafka', 'produce onto the Debezium source topic (the running stages process it) instead of the local topology')
    .option('--rate <n>', 'at most n rows per second', (v) => Number(v))
    .option('--batch <n>', 'rows per page', (v) => Number(v), 1000)
    .option('--checkpoint <file>', 'where the position is kept (default: backfill-<range>.json in LEADWIRE_STATE_DIR)')
    .option('--restart', 'ignore a saved position and start over')
    .option('--json', 'print the latest signals per conversation as JSON lines (local target)')
    .action(async (opts: { from?: Date; to?: Date; conversation?: string; kafka?: boolean; rate?: number; batch: number; checkpoint?: string; restart?: boolean; json?: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('backfill');
      if (!config.database.url) { process.stderr.write('leadwire backfill: DATABASE_URL is not set (the PostgreSQL that holds wire_messages)\n'); process.exitCode = 2; return; }
      if (opts.conversation && !/^\d+$/.test(opts.conversation)) { process.stderr.write('leadwire backfill: --conversation takes a numeric conversation id\n'); process.exitCode = 2; return; }
      const tag = [opts.from?.toISOString().slice(0, 10) ?? 'start', opts.to?.toISOString().slice(0, 10) ?? 'end', opts.conversation ?? 'all'].join('_');
      const cpPath = opts.checkpoint ?? join(config.stateDir, `backfill-${tag}.json`);
      const checkpoints = fileCheckpointStore(cpPath);
      if (opts.restart) checkpoints.save({ updatedAt: 0, id: '0' });
      const reader = createTableReader({ databaseUrl: config.database.url, batchSize: opts.batch, from: opts.from, to: opts.to, conversationId: opts.conversation, checkpoints, logger: log });
      const total = await reader.countRemaining().catch(() => undefined);
      const target: PipelineTarget = opts.kafka ? await kafkaTarget(config, log) : localTarget(config, log);
      const progress = createProgress('backfill', total);
      const started = Date.now();
      let n = 0;
      try {
        for await (const page of reader.read()) {
          await target.push(page);
          n += page.length;
          progress.add(page.length);
          await paceTo(opts.rate, n, started);
        }
      } finally {
        await reader.close();
      }
      const p = progress.finish();
      const results = await target.finish();
      process.stderr.write(`backfill: ${p.done} rows in ${p.seconds.toFixed(1)} s; position saved in ${cpPath} (run again to resume, --restart to start over)\n`);
      if (results) process.stdout.write(opts.json ? results.signals.map((r) => JSON.stringify(r)).join('\n') + '\n' : formatLeadTable(results.scores));
    });
}
