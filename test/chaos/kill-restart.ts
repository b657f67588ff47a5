// Full kill/restart chaos run (docs/chaos.md):
//   node bin/run-ts.js test/chaos/kill-restart.ts [options]
// It restarts the broker and Connect of the stack it runs on, so by default it uses a stack of its
// own on other ports (LEADWIRE_STACK_* set in the environment win), started if it is not running.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHAOS_PORTS, chaosStackDown, chaosStackEnv, chaosStackUp, isDefaultStack , reportChaosRun } from './harness.js';
import { FULL_DEFAULTS, formatSummary, runKillRestartChaos } from './kill-restart-run.js';

const HELP = `usage: node bin/run-ts.js test/chaos/kill-restart.ts [options]
  --messages N          rows written into wire_messages (default ${FULL_DEFAULTS.messages})
  --rate N              rows per second (default ${FULL_DEFAULTS.insertRate})
  --kill-every MS       kill -9 a random stage worker this often (default ${FULL_DEFAULTS.killEveryMs})
  --min-kills N         at least this many kills (default ${FULL_DEFAULTS.minKills})
  --min-kills-in-flight N  of them, at least this many of a worker with input in flight (default ${FULL_DEFAULTS.minKillsInFlight})
  --min-uptime MS       only kill workers up for this long (default ${FULL_DEFAULTS.minUptimeMs})
  --partitions N        partitions of leadwire's topics (default ${FULL_DEFAULTS.partitions})
  --seed N              traffic seed (default ${FULL_DEFAULTS.seed})
  --broker-signal S     term (restart) or kill (crash) for the broker (default ${FULL_DEFAULTS.brokerSignal})
  --connect-signal S    term or kill for Kafka Connect (default ${FULL_DEFAULTS.connectSignal})
  --drain-timeout S     bound on the final drain, seconds (default ${FULL_DEFAULTS.drainTimeoutMs / 1000})
  --stack-dir DIR       the chaos stack's directory (default /tmp/leadwire-chaos-stack, ports ${CHAOS_PORTS.pg}/${CHAOS_PORTS.kafka}/${CHAOS_PORTS.controller}/${CHAOS_PORTS.connect})
  --down                stop and remove the chaos stack afterwards
  --allow-default-stack allow running against the default stack (it is restarted!)
  --json FILE           also write the summary as JSON
Exit code 0 when every check passed.`;

const { values: a } = parseArgs({
  options: {
    messages: { type: 'string' }, rate: { type: 'string' }, 'kill-every': { type: 'string' }, 'min-kills': { type: 'string' }, 'min-kills-in-flight': { type: 'string' }, 'min-uptime': { type: 'string' },
    partitions: { type: 'string' }, seed: { type: 'string' }, 'broker-signal': { type: 'string' }, 'connect-signal': { type: 'string' },
    'drain-timeout': { type: 'string' }, 'stack-dir': { type: 'string' }, down: { type: 'boolean' }, 'allow-default-stack': { type: 'boolean' },
    json: { type: 'string' }, help: { type: 'boolean' },
  },
});
if (a.help) { console.log(HELP); process.exit(0); }

const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const sig = (v: string | undefined, d: 'term' | 'kill'): 'term' | 'kill' => {
  if (v === undefined) return d;
  if (v !== 'term' && v !== 'kill') throw new Error(`signal must be term or kill, not ${v}`);
  return v;
};
const say = (line: string) => console.log(line);

const env = process.env.LEADWIRE_STACK_DIR ? process.env : chaosStackEnv(a['stack-dir'] ?? '/tmp/leadwire-chaos-stack', CHAOS_PORTS);
const stack = await chaosStackUp(env, (l) => say(`stack: ${l}`));
if (isDefaultStack(stack) && !a['allow-default-stack']) {
  console.error('refusing to restart the default stack (other people use it); pass --allow-default-stack or use another LEADWIRE_STACK_DIR and ports');
  process.exit(2);
}
let code = 1;
try {
  const summary = await runKillRestartChaos({
    stack,
    messages: num(a.messages, FULL_DEFAULTS.messages),
    seed: num(a.seed, FULL_DEFAULTS.seed),
    partitions: num(a.partitions, FULL_DEFAULTS.partitions),
    insertRate: num(a.rate, FULL_DEFAULTS.insertRate),
    killEveryMs: num(a['kill-every'], FULL_DEFAULTS.killEveryMs),
    minKills: num(a['min-kills'], FULL_DEFAULTS.minKills),
    minKillsInFlight: num(a['min-kills-in-flight'], FULL_DEFAULTS.minKillsInFlight),
    minUptimeMs: num(a['min-uptime'], FULL_DEFAULTS.minUptimeMs),
    connectRestartAt: FULL_DEFAULTS.connectRestartAt,
    brokerRestartAt: FULL_DEFAULTS.brokerRestartAt,
    connectSignal: sig(a['connect-signal'], FULL_DEFAULTS.connectSignal),
    brokerSignal: sig(a['broker-signal'], FULL_DEFAULTS.brokerSignal),
    drainTimeoutMs: num(a['drain-timeout'], FULL_DEFAULTS.drainTimeoutMs / 1000) * 1000,
    logDir: join(process.cwd(), '.leadwire', 'chaos-logs'),
    say,
  });
  code = reportChaosRun(summary, formatSummary(summary), a.json, say);
} finally {
  if (a.down) await chaosStackDown(env, (l) => say(`stack: ${l}`));
}
process.exit(code);
