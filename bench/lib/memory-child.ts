// Child process of the memory benchmark: fills the window with N open
// conversations, collects garbage and prints its memory as JSON. Run in its own
// process so that RSS is the state's and the runtime's, nothing else.
import { loadConfig } from '../../src/config/load.js';
import { fillWindow } from './window-fill.js';

const [conversations, perConversation] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 20)];
// No hot triggers: the fill should cost seconds, and a hot trigger changes only
// the emitted version and hash in the state, not its size.
const config = loadConfig({ LEADWIRE_APP_ID: 'bench-memory', WINDOW_WALL_CLOCK_CLOSE: 'false', WINDOW_HOT_TRIGGERS: ',', LOG_LEVEL: 'silent' });
const started = Date.now();
let peakRss = 0;
const sample = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);
const executor = await fillWindow(config, { conversations, messagesPerConversation: perConversation, partitions: config.kafka.partitions });
const fillMs = Date.now() - started;
clearInterval(sample);
for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
await new Promise((r) => setTimeout(r, 500));
const mem = process.memoryUsage();
peakRss = Math.max(peakRss, mem.rss);
const { getHeapStatistics } = await import('node:v8');
console.log(JSON.stringify({
  conversations: executor.storeSize('conversations'), timers: executor.storeSize('__timers'), messages: conversations * perConversation,
  rssMB: mem.rss / 2 ** 20, peakRssMB: peakRss / 2 ** 20, heapUsedMB: mem.heapUsed / 2 ** 20, heapTotalMB: mem.heapTotal / 2 ** 20,
  heapLimitMB: getHeapStatistics().heap_size_limit / 2 ** 20, fillMs,
}));
process.exit(0);
