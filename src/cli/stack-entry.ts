// Runs `stack` on its own (`node bin/run-ts.js src/cli/stack-entry.ts up`), for scripts that must
// work without the full CLI.
import { stackCommand } from './commands/stack.js';

await stackCommand().name('leadwire stack').parseAsync(process.argv);
