import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { connectorFromEnv, createConnectClient } from '../../adapters/connect/connect-client.js';

/** `leadwire connector register | status | restart`: the Debezium connector through Kafka Connect's REST API. */
export function connectorCommand(): Command {
  const cmd = new Command('connector').description('the Debezium connector for wire_messages, through the Kafka Connect REST API (CONNECT_URL)');
  const client = () => createConnectClient(loadConfig().connectUrl);
  cmd.command('register')
    .description('create or update the connector from debezium/wire-messages-connector.json, filled from DATABASE_URL')
    .option('--dry-run', 'print the config (password masked) without sending it')
    .action(async (opts: { dryRun?: boolean }) => {
      const def = connectorFromEnv(process.env);
      if (opts.dryRun) {
        process.stdout.write(`${JSON.stringify({ ...def, config: { ...def.config, 'database.password': def.config['database.password'] ? '***' : '' } }, null, 2)}\n`);
        return;
      }
      const r = await client().register(def);
      process.stdout.write(`connector ${def.name} ${r}; check it with \`leadwire connector status\`\n`);
    });
  cmd.command('status')
    .description('connector and task states (exit 1 unless all RUNNING)')
    .option('--name <name>', 'connector name', 'leadwire-wire-messages')
    .action(async (opts: { name: string }) => {
      const st = await client().status(opts.name);
      if (!st) { process.stdout.write(`no connector named ${opts.name}; run \`leadwire connector register\`\n`); process.exitCode = 1; return; }
      process.stdout.write(`${st.name}: ${st.connector.state}\n`);
      for (const t of st.tasks) process.stdout.write(`  task ${t.id}: ${t.state}${t.trace ? `\n    ${t.trace.split('\n')[0]}` : ''}\n`);
      if (st.connector.state !== 'RUNNING' || st.tasks.some((t) => t.state !== 'RUNNING')) process.exitCode = 1;
    });
  cmd.command('restart')
    .description('restart the connector and its tasks')
    .option('--name <name>', 'connector name', 'leadwire-wire-messages')
    .action(async (opts: { name: string }) => {
      await client().restart(opts.name);
      process.stdout.write(`restart requested for ${opts.name}; watch \`leadwire connector status\`\n`);
    });
  return cmd;
}
