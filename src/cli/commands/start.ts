import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { localTarget } from '../../topology/pipeline-target.js';
import { sampleEvents } from '../../sources/sample-source.js';
import { createTableReader, fileCheckpointStore } from '../../sources/pg-table-reader.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';
import type { SignalsRecord } from '../../records/signals-record.js';
import type { LeadScoreRecord } from '../../records/lead-records.js';
import { formatLeadTable } from '../format-leads.js';
import { startLeadServer, type RunningLeadServer } from '../../topology/lead-server.js';
import { configError } from '../../core/errors.js';
import { createEmbedder } from '../../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../../adapters/vector-store/create-vector-store.js';
import { createAnalyticsStore } from '../../adapters/analytics/create-analytics-store.js';
import { pgAccessError, redactDatabaseUrl } from '../../adapters/pg/pg-access-error.js';
import { analyticsDatabaseUrl } from '../../config/schema.js';
import { nothingReadLine, nothingScoredLine, parseTiers, positiveInt, startLine, summaryLine } from '../start-report.js';
import { join } from 'node:path';

/** `leadwire start`: the whole topology in one process (the embedded default). */
export function startCommand(): Command {
  return new Command('start')
    .description('run leadwire in one process on the local runtime: bundled samples, or wire_messages from DATABASE_URL')
    .option('--follow', 'keep running and poll for new rows / fire wall-clock timers (default with DATABASE_URL)')
    .option('--once', 'process what is there and exit (no board)')
    .option('--checkpoint <file>', 'where the table reader keeps its position (default: reader-checkpoint.json in LEADWIRE_STATE_DIR)')
    .option('--from-start', 'forget the saved position and read wire_messages from the first row')
    .option('--tier <tiers>', 'only these tiers in the printed table (comma-separated: qualified, nurturing, unqualified)', parseTiers)
    .option('--limit <n>', 'at most n rows in the printed table, best first', positiveInt)
    .option('--json', 'print the signals records as JSON lines instead of the lead table')
    .action(async (opts: { follow?: boolean; once?: boolean; checkpoint?: string; fromStart?: boolean; tier?: string[]; limit?: number; json?: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('start');
      const table = () => formatLeadTable(target.latestScores(), { ...(opts.tier ? { tiers: opts.tier } : {}), ...(opts.limit ? { limit: opts.limit } : {}) });

      // Before anything runs: a role that may not read wire_messages or keep leadwire's tables
      // stops here with the grant to add, not in a stage's init with a stack trace.
      const reader = config.database.url ? await openReader(config.database.url) : undefined;
      const analytics = createAnalyticsStore(config.database);
      const analyticsUrl = analyticsDatabaseUrl(config.database);
      if (analyticsUrl) {
        await analytics.init().catch(async (err: unknown) => {
          await reader?.close();
          throw pgAccessError(err, { doing: "create leadwire's tables", urlVar: config.database.analyticsUrl ? 'ANALYTICS_DATABASE_URL' : 'DATABASE_URL', url: analyticsUrl, schema: config.database.schema });
        });
      }

      // One embedder and vector store for the embed stage and the board's search, so search sees fresh vectors.
      const vectors = { embedder: createEmbedder(config.embed), store: createVectorStore(config.embed, { logger: log }) };
      const target = localTarget(config, log, { embedder: vectors.embedder, vectorStore: vectors.store, analytics });
      const rt = target.runtime;
      // Latest signals per conversation: what a CRM consuming the topic would hold.
      rt.subscribe(config.topics.signals, (m) => {
        if (m.value && opts.json) process.stdout.write(`${m.value.toString()}\n`);
      });
      // One line per new score once the first read's table is out (following the table or the samples).
      let liveLines = false;
      rt.subscribe(config.topics.leadScores, (m) => {
        if (!m.value || !liveLines) return;
        const rec = JSON.parse(m.value.toString()) as LeadScoreRecord;
        if (liveLines && !opts.json && (!opts.tier || opts.tier.includes(rec.tier))) process.stdout.write(`${rec.tier.padEnd(11)} conversation ${rec.conversationId} score ${Math.round(rec.score)} (${rec.reasons.positive.slice(0, 3).map((x) => x.signal).join(', ')})\n`);
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
        const stop = async () => { await board?.close(); await extra?.(); await rt.stop(); await analytics.close(); process.exit(0); };
        process.once('SIGTERM', () => void stop());
        process.once('SIGINT', () => void stop());
      };
      const summary = () => summaryLine({
        snapshots: rt.read(config.topics.conversations).length, signals: rt.read(config.topics.signals).length,
        leadScores: rt.read(config.topics.leadScores).length, leadEvents: rt.read(config.topics.leadEvents).length, deadLetters: dlq,
      });

      if (!reader) {
        const events = sampleEvents();
        process.stderr.write(`leadwire: local runtime on ${events.length} bundled sample messages (set DATABASE_URL to read wire_messages); state in ${config.stateDir}\n`);
        await target.push(events);
        if (!opts.follow) await target.settle();
        if (!opts.json) process.stdout.write(table());
        process.stderr.write(`${summary()}\n`);
        if (!opts.follow && !board) { await rt.stop(); await analytics.close(); return; }
        liveLines = !!opts.follow;
        rt.startLive();
        whereToLook();
        stopOnSignal();
        return;
      }

      const pump = async () => {
        let n = 0;
        for await (const page of reader.read()) {
          await target.push(page);
          n += page.length;
        }
        return n;
      };
      const first = await pump();
      if (first === 0) process.stderr.write(`${nothingReadLine({ checkpoint: reader.resumedFrom, rowsInTable: await reader.countAll() })}\n`);
      else process.stderr.write(`leadwire: read ${first} rows from wire_messages\n`);
      if (opts.once) {
        await target.settle();
        const scored = target.latestScores().length;
        if (first > 0 && scored === 0) process.stderr.write(`${nothingScoredLine({ rowsRead: first, acceptTypes: config.normalize.acceptTypes })}\n`);
        if (!opts.json && scored > 0) process.stdout.write(table());
        process.stderr.write(`${summary()}\n`);
        await reader.close(); await rt.stop(); await analytics.close(); return;
      }
      // Following: what the first read found, as on the sample path, then new scores as they come.
      if (!opts.json && target.latestScores().length > 0) process.stdout.write(table());
      process.stderr.write(`${summary()}\n`);
      liveLines = true;
      rt.startLive();
      const poll = setInterval(() => { void pump().catch((err) => log.error({ err }, 'table reader failed')); }, 2000);
      whereToLook();
      stopOnSignal(async () => { clearInterval(poll); await reader.close(); });

      /** The table reader, checked before anything runs, after the first line says where it reads from. */
      async function openReader(url: string) {
        const checkpointFile = opts.checkpoint ?? join(config.stateDir, 'reader-checkpoint.json');
        const checkpoints = fileCheckpointStore(checkpointFile);
        if (opts.fromStart) checkpoints.clear();
        const resumedFrom = checkpoints.load();
        process.stderr.write(`${startLine({ database: redactDatabaseUrl(url), checkpoint: resumedFrom, checkpointFile, fromStart: !!opts.fromStart, stateDir: config.stateDir })}\n`);
        const r = createTableReader({ databaseUrl: url, checkpoints, logger: log });
        try {
          await r.check();
        } catch (err) {
          await r.close();
          throw pgAccessError(err, { doing: 'read wire_messages', urlVar: 'DATABASE_URL', url, table: 'wire_messages' });
        }
        return Object.assign(r, { resumedFrom });
      }
    });
}
