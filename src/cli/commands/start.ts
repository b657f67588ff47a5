import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { buildTopology } from '../../topology/topology.js';
import { createLocalRuntime } from '../../runtime/local-runtime.js';
import { sourceTopic } from '../../config/schema.js';
import { sampleEvents } from '../../sources/sample-source.js';
import { createTableReader, fileCheckpointStore } from '../../sources/pg-table-reader.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import type { ConversationSnapshot } from '../../processors/window/snapshot.js';

const systemClock = { now: () => Date.now() };

/** `leadwire start`: the whole topology in one process (the embedded default). */
export function startCommand(): Command {
  return new Command('start')
    .description('run leadwire in one process on the local runtime: bundled samples, or wire_messages from DATABASE_URL')
    .option('--follow', 'keep running and poll for new rows / fire wall-clock timers (default with DATABASE_URL)')
    .option('--once', 'process what is there and exit (default with the samples)')
    .option('--checkpoint <file>', 'where the table reader keeps its position', '.leadwire/reader-checkpoint.json')
    .option('--json', 'print snapshots as JSON lines instead of a summary')
    .action(async (opts: { follow?: boolean; once?: boolean; checkpoint: string; json?: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('start');
      const topology = buildTopology(config);
      const rt = createLocalRuntime(topology, { clock: systemClock, logger: log, partitions: config.kafka.partitions });
      const src = sourceTopic(config.topics);
      const print = (s: ConversationSnapshot) => {
        if (opts.json) { process.stdout.write(`${JSON.stringify(s)}\n`); return; }
        const last = s.transcript[s.transcript.length - 1];
        process.stdout.write(`conversation ${s.conversationId} v${s.version} [${s.reason}${s.triggers.length ? `: ${s.triggers.join(',')}` : ''}] ${s.counters.total} msgs, lang ${s.language.code}; last: ${last ? JSON.stringify(last.body.slice(0, 70)) : '—'}\n`);
      };
      rt.subscribe(config.topics.conversations, (m) => { if (m.value) print(JSON.parse(m.value.toString())); });
      let dlq = 0;
      rt.subscribe(config.topics.dlq, () => { dlq++; });

      if (!config.database.url) {
        const events = sampleEvents();
        for (const e of events) rt.produce(src, { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
        process.stderr.write(`leadwire: local runtime on ${events.length} bundled sample messages (set DATABASE_URL to read wire_messages)\n`);
        await rt.runUntilIdle({ flushWallTimers: !opts.follow });
        process.stderr.write(`leadwire: done; ${rt.read(config.topics.conversations).length} snapshots, ${dlq} dead letters\n`);
        if (!opts.follow) { await rt.stop(); return; }
        rt.startLive();
        return;
      }

      const reader = createTableReader({ databaseUrl: config.database.url, checkpoints: fileCheckpointStore(opts.checkpoint), logger: log });
      const pump = async () => {
        let n = 0;
        for await (const page of reader.read()) {
          for (const r of page) rt.produce(src, { key: r.key, value: Buffer.from(r.value), timestamp: r.timestamp });
          n += page.length;
          await rt.runUntilIdle();
        }
        return n;
      };
      const first = await pump();
      process.stderr.write(`leadwire: read ${first} rows from wire_messages\n`);
      if (opts.once) { await rt.runUntilIdle({ flushWallTimers: true }); await reader.close(); await rt.stop(); return; }
      rt.startLive();
      const poll = setInterval(() => { void pump().catch((err) => log.error({ err }, 'table reader failed')); }, 2000);
      const stop = async () => { clearInterval(poll); await rt.stop(); await reader.close(); process.exit(0); };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
