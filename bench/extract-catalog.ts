// The extract stage's rules on the grammar catalog against the regex catalog
// it replaced, in the same process and the same run (issue: the catalog and
// policy change keeps extract at no less than 0.7× its earlier rate).
//
// Input: synthetic traffic with the shapes of real WireChat traffic
// (test/helpers/traffic.ts), rendered into the snapshots the window emits as a
// conversation grows (one per new customer message, each repeating the whole
// transcript), through the production path (eval's snapshot builder:
// normalize's cleaning, redaction and language detection, the window's
// transcript). Each round runs both catalogs, alternating which goes first,
// with a fresh message memo per catalog (EXTRACT_MESSAGE_CACHE_CHARS default),
// as one extract task would. Prints records/s per catalog and the median ratio
// with its range.
//   node bin/run-ts.js bench/extract-catalog.ts [--rounds 5] [--conversations 1500] [--json]
import { fileURLToPath } from 'node:url';
import { snapshotFromConversation } from '../src/eval/conversation-snapshot.js';
import type { LabelledConversation } from '../src/eval/labelled-conversation.js';
import { loadCatalog, type SignalCatalog } from '../src/processors/extract/catalog.js';
import { extractRules } from '../src/processors/extract/extract-rules.js';
import { memoAnalyzer } from '../src/processors/extract/message-analyzer.js';
import type { ConversationSnapshot } from '../src/records/conversation-snapshot.js';
import { generateConversations } from '../test/helpers/traffic.js';
import { median, roundsArg } from './lib/common.js';

const MEMO_CHARS = 2_000_000;
const argv = process.argv.slice(2);
const rounds = roundsArg(5, argv);
const ci = argv.indexOf('--conversations');
const conversations = ci >= 0 ? Number(argv[ci + 1]) : 1_500;

function snapshots(): ConversationSnapshot[] {
  const byConv = new Map<string, LabelledConversation['messages']>();
  for (const m of generateConversations({ conversations, seed: 14, startMs: Date.UTC(2026, 4, 1) })) {
    if (m.op !== 'upsert' || !m.body) continue;
    let list = byConv.get(m.conversationId);
    if (!list) byConv.set(m.conversationId, (list = []));
    list.push({ role: m.sender.role === 'customer' ? 'customer' : 'agent', body: m.body, created_at: m.createdAt });
  }
  const out: ConversationSnapshot[] = [];
  for (const [id, msgs] of byConv) {
    for (let n = 1; n <= msgs.length; n++) {
      if (msgs[n - 1]!.role !== 'customer') continue;
      out.push(snapshotFromConversation({ conversation_id: id, label: 'low', messages: msgs.slice(0, n) }));
    }
  }
  return out;
}

function rate(catalog: SignalCatalog, snaps: ConversationSnapshot[]): number {
  const analyze = memoAnalyzer(catalog, MEMO_CHARS);
  const t = performance.now();
  for (const s of snaps) extractRules(s, catalog, s.lastMessageAt, analyze);
  return snaps.length / ((performance.now() - t) / 1000);
}

const v1 = loadCatalog(fileURLToPath(new URL('./fixtures/catalog-default-v1.yaml', import.meta.url)));
const v2 = loadCatalog('default');
const snaps = snapshots();
rate(v1, snaps.slice(0, 500));
rate(v2, snaps.slice(0, 500));
const ratios: number[] = [];
const rates: Array<{ v1: number; v2: number }> = [];
for (let r = 0; r < rounds; r++) {
  const pair = r % 2 === 0 ? { v1: rate(v1, snaps), v2: rate(v2, snaps) } : (() => { const b = rate(v2, snaps); return { v1: rate(v1, snaps), v2: b }; })();
  rates.push(pair);
  ratios.push(pair.v2 / pair.v1);
}
const result = {
  name: 'extract rules, grammar catalog vs the regex catalog it replaced (same run)',
  snapshots: snaps.length,
  catalogs: { baseline: v1.version, current: v2.version },
  recordsPerSec: { baseline: Math.round(median(rates.map((x) => x.v1))), current: Math.round(median(rates.map((x) => x.v2))) },
  ratio: { median: Number(median(ratios).toFixed(2)), min: Number(Math.min(...ratios).toFixed(2)), max: Number(Math.max(...ratios).toFixed(2)), rounds: ratios.map((x) => Number(x.toFixed(2))) },
  target: 0.7,
};
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  console.log(`${result.name}: ${snaps.length} snapshots`);
  console.log(`  ${v1.version}: ${result.recordsPerSec.baseline.toLocaleString('en-US')} records/s   ${v2.version}: ${result.recordsPerSec.current.toLocaleString('en-US')} records/s (medians)`);
  console.log(`  ratio ${result.ratio.median} (${result.ratio.min}–${result.ratio.max}) over ${rounds} alternating rounds  target ≥ ${result.target}  ${result.ratio.median >= result.target ? 'PASS' : 'MISS'}`);
}
