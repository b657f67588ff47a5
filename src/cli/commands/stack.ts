import { Command } from 'commander';
import { StackError, stackDown, stackEnvLines, stackLogTails, stackStatus, stackUp } from '../../stack/stack.js';
import { resolveSettings } from '../../stack/settings.js';
import { tailFile } from '../../stack/processes.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function fail(err: unknown): never {
  if (err instanceof StackError) {
    say(`\nstack: ${err.message}`);
    if (err.log) say(`\nlast lines of ${err.log}:\n${tailFile(err.log, 40)}\n`);
  } else {
    say(`\nstack: ${(err as Error).stack ?? String(err)}`);
  }
  say('What to do: read the log above (all logs: `npx leadwire stack logs`), then `npx leadwire stack down` and `npx leadwire stack up` again.');
  process.exit(1);
}

/** `leadwire stack up | down | status | env | logs`: the local Kafka + Connect + Debezium + PostgreSQL + Qdrant stack. */
export function stackCommand(): Command {
  const cmd = new Command('stack').description('local real infrastructure without Docker: PostgreSQL (logical WAL), Kafka (KRaft), Kafka Connect with Debezium, Qdrant');

  cmd.command('up')
    .description('start the stack (idempotent) and wait until the connector streams')
    .action(async () => {
      try {
        const r = await stackUp(process.env, say);
        const how = r.alreadyRunning ? 'already running' : r.jarsFetched ? 'cold start, jars fetched' : 'warm start, jars cached';
        process.stdout.write(`stack up in ${r.seconds.toFixed(1)} s (${how}); next: eval "$(npx leadwire stack env)"\n`);
        process.exit(0);
      } catch (err) {
        fail(err);
      }
    });

  cmd.command('down')
    .description('stop every stack process and remove its data (the jar cache stays)')
    .action(async () => {
      try {
        await stackDown(process.env, say);
        process.exit(0);
      } catch (err) {
        fail(err);
      }
    });

  cmd.command('status')
    .description('print each component and its state; exit 0 only when all are up')
    .action(async () => {
      const states = await stackStatus(resolveSettings(process.env));
      for (const c of states) process.stdout.write(`${c.name.padEnd(10)} ${(c.up ? 'up' : 'DOWN').padEnd(5)} ${c.detail}\n`);
      process.exit(states.every((c) => c.up) ? 0 : 1);
    });

  cmd.command('env')
    .description('print `export NAME=value` lines for the stack: eval "$(npx leadwire stack env)"')
    .action(() => {
      process.stdout.write(`${stackEnvLines(process.env).join('\n')}\n`);
    });

  cmd.command('logs')
    .description('print the last lines of each stack log')
    .option('-n, --lines <n>', 'lines per log', '40')
    .action((opts: { lines: string }) => {
      process.stdout.write(`${stackLogTails(process.env, Number(opts.lines))}\n`);
    });

  return cmd;
}
