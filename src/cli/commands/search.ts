import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config/load.js';
import { createEmbedder } from '../../adapters/embedder/create-embedder.js';
import { createVectorStore } from '../../adapters/vector-store/create-vector-store.js';
import { searchConversations, type SearchHit } from '../../search/search-conversations.js';
import { rootLogger, moduleLogger } from '../../core/logger.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
};

function formatHit(h: SearchHit, i: number): string {
  const when = new Date(h.lastMessageAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${String(i + 1).padStart(2)}. ${h.score.toFixed(3)}  conversation ${h.conversationId}  [${h.tier}${h.label ? `, ${h.label}` : ''}, ${h.language}, ${when}]\n    ${JSON.stringify(h.excerpt)}`;
}

/** `leadwire search "<text>"`: nearest conversations from Qdrant (QDRANT_URL) or the in-process store's file. */
export function searchCommand(): Command {
  return new Command('search')
    .description('semantic search over embedded conversations (Qdrant when QDRANT_URL is set, else the local vectors file)')
    .argument('<query>', 'what the conversation is about, in any language')
    .option('--tier <tier>', 'only conversations of this tier (qualified, nurturing, unqualified)')
    .option('--language <code>', 'only conversations in this language (es, en, ...)')
    .option('--label <label>', 'only conversations feedback labelled good or bad')
    .option('-n, --limit <n>', 'conversations to return', positiveInt, 10)
    .option('--json', 'print the hits as JSON')
    .action(async (query: string, opts: { tier?: string; language?: string; label?: string; limit: number; json?: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      if (opts.label !== undefined && opts.label !== 'good' && opts.label !== 'bad') throw new InvalidArgumentError('--label is good or bad');
      const embedder = createEmbedder(config.embed);
      const store = createVectorStore(config.embed, { logger: moduleLogger('search'), readOnly: true });
      const where = config.embed.qdrantUrl ? `Qdrant collection ${config.embed.collection} (${config.embed.qdrantUrl})` : config.embed.vectorsFile;
      try {
        // An empty store is not "no match": say what fills it instead of printing an empty list.
        const indexed = await store.count();
        if (indexed === 0) {
          if (opts.json) process.stdout.write('[]\n');
          process.stderr.write(`leadwire search: nothing is indexed yet in ${where}: run \`npx leadwire start --once\` (the bundled samples, or wire_messages with DATABASE_URL) with the same ${config.embed.qdrantUrl ? 'QDRANT_URL' : 'LEADWIRE_STATE_DIR'}, then search again\n`);
          process.exitCode = 1;
          return;
        }
        const hits = await searchConversations({ embedder, store }, query, {
          limit: opts.limit,
          ...(opts.tier ? { tier: opts.tier } : {}),
          ...(opts.language ? { language: opts.language } : {}),
          ...(opts.label ? { label: opts.label as 'good' | 'bad' } : {}),
        });
        if (opts.json) { process.stdout.write(`${JSON.stringify(hits, null, 2)}\n`); return; }
        if (hits.length === 0) {
          process.stdout.write(`no conversation matches these filters among the ${indexed} indexed chunks in ${where}\n`);
          return;
        }
        process.stdout.write(`${hits.map(formatHit).join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
