import { Command } from 'commander';
import { envVars } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { redactDatabaseUrl } from '../../adapters/pg/pg-access-error.js';

export function configCommand(): Command {
  return new Command('config')
    .description('check the configuration, or print the table of environment variables')
    .option('--table', 'print the environment variables as a Markdown table')
    .action((opts: { table?: boolean }) => {
      if (opts.table) {
        process.stdout.write('| Variable | Setting | What it does |\n|---|---|---|\n');
        for (const v of envVars) process.stdout.write(`| \`${v.env}\` | \`${v.path}\` | ${v.doc}${v.secret ? ' (secret: environment only)' : ''} |\n`);
        return;
      }
      const c = loadConfig();
      const hide = (u: string | undefined) => (u ? redactDatabaseUrl(u) : undefined);
      const redacted = { ...c, database: { ...c.database, url: hide(c.database.url), analyticsUrl: hide(c.database.analyticsUrl) } };
      process.stdout.write(`${JSON.stringify(redacted, null, 2)}\n`);
    });
}
