// Full LLM outage chaos run (docs/chaos.md):
//   node bin/run-ts.js test/chaos/llm-outage.ts [options]
// Nothing is restarted, so it may run on any stack; by default it uses the chaos stack (started if
// needed), or the stack named by LEADWIRE_STACK_* in the environment.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHAOS_PORTS, chaosStackDown, chaosStackEnv, chaosStackUp , reportChaosRun } from './harness.js';
import { formatLlmSummary, LLM_FULL_DEFAULTS, runLlmOutageChaos } from './llm-outage-run.js';

const D = LLM_FULL_DEFAULTS;
const HELP = `usage: node bin/run-ts.js test/chaos/llm-outage.ts [options]
  --messages N        messages produced during the outage (default ${D.messages})
  --failure-rate X    share of LLM calls that fail during the outage (default ${D.failureRate})
  --outage S          outage length in seconds (default ${D.outageMs / 1000})
  --stall S           a stage whose offsets stand still this long with lag has stalled (default ${D.stallMs / 1000})
  --recovery-timeout S  bound on the recovery wait (default ${D.recoveryTimeoutMs / 1000})
  --llm-timeout MS    client timeout of one LLM request (default ${D.llmTimeoutMs})
  --partitions N      (default ${D.partitions})   --seed N (default ${D.seed})
  --stack-dir DIR     the chaos stack's directory (default /tmp/leadwire-chaos-stack, ports ${CHAOS_PORTS.pg}/${CHAOS_PORTS.kafka}/${CHAOS_PORTS.controller}/${CHAOS_PORTS.connect})
  --down              stop and remove the chaos stack afterwards
  --json FILE         also write the summary as JSON
Exit code 0 when every check passed.`;

const { values: a } = parseArgs({
  options: {
    messages: { type: 'string' }, 'failure-rate': { type: 'string' }, outage: { type: 'string' }, stall: { type: 'string' },
    'recovery-timeout': { type: 'string' }, 'llm-timeout': { type: 'string' }, partitions: { type: 'string' }, seed: { type: 'string' },
    'stack-dir': { type: 'string' }, down: { type: 'boolean' }, json: { type: 'string' }, help: { type: 'boolean' },
  },
});
if (a.help) { console.log(HELP); process.exit(0); }
const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const say = (line: string) => console.log(line);

const env = process.env.LEADWIRE_STACK_DIR ? process.env : chaosStackEnv(a['stack-dir'] ?? '/tmp/leadwire-chaos-stack', CHAOS_PORTS);
const stack = await chaosStackUp(env, (l) => say(`stack: ${l}`));
let code = 1;
try {
  const summary = await runLlmOutageChaos({
    stack,
    messages: num(a.messages, D.messages),
    seed: num(a.seed, D.seed),
    partitions: num(a.partitions, D.partitions),
    failureRate: num(a['failure-rate'], D.failureRate),
    outageMs: num(a.outage, D.outageMs / 1000) * 1000,
    stallMs: num(a.stall, D.stallMs / 1000) * 1000,
    recoveryTimeoutMs: num(a['recovery-timeout'], D.recoveryTimeoutMs / 1000) * 1000,
    llmTimeoutMs: num(a['llm-timeout'], D.llmTimeoutMs),
    logDir: join(process.cwd(), '.leadwire', 'chaos-logs'),
    say,
  });
  code = reportChaosRun(summary, formatLlmSummary(summary), a.json, say);
} finally {
  if (a.down) await chaosStackDown(env, (l) => say(`stack: ${l}`));
}
process.exit(code);
