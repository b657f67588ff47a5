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
      // Every setting envVars marks secret is masked (a database URL keeps all but its password).
      const redacted = structuredClone(loadConfig()) as unknown as Record<string, Record<string, unknown>>;
      for (const v of envVars.filter((x) => x.secret)) {
        const [section, key] = v.path.split('.') as [string, string];
        const value = redacted[section]?.[key];
        if (typeof value === 'string') redacted[section]![key] = section === 'database' ? redactDatabaseUrl(value) : '***';
      }
      process.stdout.write(`${JSON.stringify(redacted, null, 2)}\n`);
    });
}
