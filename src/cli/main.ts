import { Command, CommanderError } from 'commander';
import { LeadwireError } from '../core/errors.js';
import { flushLogs } from '../core/logger.js';
import { startCommand } from './commands/start.js';
import { runCommand } from './commands/run.js';
import { describeCommand } from './commands/describe.js';
import { topicsCommand } from './commands/topics.js';
import { configCommand } from './commands/config.js';
import { stackCommand } from './commands/stack.js';
import { evalCommand } from './commands/eval.js';
import { connectorCommand } from './commands/connector.js';
import { replayCommand } from './commands/replay.js';
import { backfillCommand } from './commands/backfill.js';
import { searchCommand } from './commands/search.js';
import { rescoreCommand } from './commands/rescore.js';
import { scoringCommand } from './commands/scoring.js';
import { serveCommand } from './commands/serve.js';
import { modelsCommand } from './commands/models.js';

// `leadwire ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });

const program = new Command('leadwire')
  .description('finds qualified sales leads in chat conversations as they happen')
  .showHelpAfterError()
  .exitOverride();

for (const c of [startCommand(), runCommand(), describeCommand(), topicsCommand(), configCommand(), stackCommand(), evalCommand(), connectorCommand(), replayCommand(), backfillCommand(), searchCommand(), rescoreCommand(), scoringCommand(), serveCommand(), modelsCommand()]) program.addCommand(c);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof LeadwireError && err.kind === 'config') {
    process.stderr.write(`leadwire: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`leadwire: ${(err as Error).stack ?? String(err)}\n`);
  await flushLogs();
  process.exit(1);
}
