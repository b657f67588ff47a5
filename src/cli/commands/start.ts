import { buildPorts } from '../../topology/ports.js';
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { buildTopology } from '../../topology/topology.js';
import { createLocalRuntime } from '../../runtime/local-runtime.js';
import { sourceTopic } from '../../config/schema.js';
import { sampleEvents } from '../../sources/sample-source.js';
import { createTableReader, fileCheckpointStore } from '../../sources/pg-table-reader.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';
import type { SignalsRecord } from '../../records/signals-record.js';
import type { LeadScoreRecord } from '../../records/lead-records.js';
import { formatLeadTable } from '../format-leads.js';
import { startLeadServer, type RunningLeadServer } from '../../http/lead-server.js';
import { configError } from '../../core/errors.js';
import { createEmbedder } from '../../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../../adapters/vector-store/create-vector-store.js';

const systemClock = { now: () => Date.now() };

/** `leadwire start`: the whole topology in one process (the embedded default). */
export function startCommand(): Command {
  return new Command('start')
    .description('run leadwire in one process on the local runtime: bundled samples, or wire_messages from DATABASE_URL')
    .option('--follow', 'keep running and poll for new rows / fire wall-clock timers (default with DATABASE_URL)')
    .option('--once', 'process what is there and exit (no board)')
    .option('--checkpoint <file>', 'where the table reader keeps its position', '.leadwire/reader-checkpoint.json')
    .option('--json', 'print the signals records as JSON lines instead of the lead table')
    .action(async (opts: { follow?: boolean; once?: boolean; checkpoint: string; json?: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('start');
      // One embedder and vector store for the embed stage and the board's search, so search sees fresh vectors.
      const vectors = { embedder: createEmbedder(config.embed), store: createVectorStore(config.embed, { logger: log }) };
      const topology = buildTopology(config, buildPorts(config, { logger: log }, { embedder: vectors.embedder, vectorStore: vectors.store }));
      const rt = createLocalRuntime(topology, { clock: systemClock, logger: log, partitions: config.kafka.partitions });
      const src = sourceTopic(config.topics);
      // Latest signals per conversation: what a CRM consuming the topic would hold.
      rt.subscribe(config.topics.signals, (m) => {
        if (m.value && opts.json) process.stdout.write(`${m.value.toString()}\n`);
      });
      // Latest lead score per conversation: what a CRM consuming the compacted topic would hold.
      const latest = new Map<string, LeadScoreRecord>();
      rt.subscribe(config.topics.leadScores, (m) => {
        if (!m.value) return;
        const rec = JSON.parse(m.value.toString()) as LeadScoreRecord;
        latest.set(rec.conversationId, rec);
        if (opts.follow && !opts.json) process.stdout.write(`${rec.tier.padEnd(11)} conversation ${rec.conversationId} score ${Math.round(rec.score)} (${rec.reasons.positive.slice(0, 3).map((x) => x.signal).join(', ')})\n`);
      });
      rt.subscribe(config.topics.conversations, (m) => {
        if (m.value && log.isLevelEnabled('debug')) {
          const s = JSON.parse(m.value.toString()) as ConversationSnapshot;
          log.debug({ conversationId: s.conversationId, version: s.version, reason: s.reason }, 'snapshot');
        }
      });
      let dlq = 0;
      rt.subscribe(config.topics.dlq, () => { dlq++; });

      // The board reads the runtime's lead topics; it keeps the process running until Ctrl-C.
      let board: RunningLeadServer | undefined;
      if (config.http.board && !opts.once) {
        try {
          board = await startLeadServer(config, { runtime: rt, vectors, logger: moduleLogger('http') });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw configError(`port ${config.http.port} is in use: set HTTP_PORT to a free port (or LEADWIRE_BOARD=false for no board)`);
          throw err;
        }
      }
      const whereToLook = () => {
        if (board) process.stderr.write(`\nleadwire: lead board on ${board.boardUrl}\nleadwire: API ${board.url}/leads · OpenAPI ${board.url}/openapi.json · metrics ${board.url}/metrics · Ctrl-C to stop\n`);
      };
      const stopOnSignal = (extra?: () => Promise<void>) => {
        const stop = async () => { await board?.close(); await extra?.(); await rt.stop(); process.exit(0); };
        process.once('SIGTERM', () => void stop());
        process.once('SIGINT', () => void stop());
      };

      if (!config.database.url) {
        const events = sampleEvents();
        for (const e of events) rt.produce(src, { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
        process.stderr.write(`leadwire: local runtime on ${events.length} bundled sample messages (set DATABASE_URL to read wire_messages)\n`);
        await rt.runUntilIdle({ flushWallTimers: !opts.follow });
        if (!opts.json) process.stdout.write(formatLeadTable([...latest.values()]));
        process.stderr.write(`leadwire: done; ${rt.read(config.topics.conversations).length} snapshots, ${rt.read(config.topics.signals).length} signal records, ${rt.read(config.topics.leadScores).length} lead scores, ${rt.read(config.topics.leadEvents).length} lead events, ${dlq} dead letters\n`);
        if (!opts.follow && !board) { await rt.stop(); return; }
        rt.startLive();
        whereToLook();
        stopOnSignal();
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
      if (opts.once) {
        await rt.runUntilIdle({ flushWallTimers: true });
        if (!opts.json) process.stdout.write(formatLeadTable([...latest.values()]));
        await reader.close(); await rt.stop(); return;
      }
      rt.startLive();
      const poll = setInterval(() => { void pump().catch((err) => log.error({ err }, 'table reader failed')); }, 2000);
      whereToLook();
      stopOnSignal(async () => { clearInterval(poll); await reader.close(); });
    });
}
