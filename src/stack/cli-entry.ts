// Runs `stack` on its own (`node bin/run-ts.js src/stack/cli-entry.ts up`), for scripts that must
// work without the full CLI.
import { stackCommand } from '../cli/commands/stack.js';

await stackCommand().name('leadwire stack').parseAsync(process.argv);
