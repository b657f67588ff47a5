import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config/load.js';
import { moduleLogger, rootLogger } from '../../core/logger.js';
import { startLeadServer } from '../../topology/lead-server.js';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number (0–65535)');
  return n;
};

/**
 * `leadwire serve`: the HTTP API and lead board over Kafka, next to workers
 * started with `leadwire run`. (`leadwire start` serves the same board over the
 * local runtime.)
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('HTTP API (/leads, /search, /feedback, /metrics, /openapi.json) and the lead board, reading the lead topics on Kafka')
    .option('-p, --port <port>', 'port (default HTTP_PORT, 8080)', port)
    .option('--host <host>', 'interface to bind (default HTTP_HOST, 127.0.0.1)')
    .option('--no-search', 'do not open the vector store (GET /search answers 503)')
    .addHelpText('after', '\nWrite endpoints need "Authorization: Bearer $LEADWIRE_API_TOKEN"; without the variable a token is made for this process and printed in the board link.')
    .action(async (opts: { port?: number; host?: string; search: boolean }) => {
      const config = loadConfig();
      rootLogger(config.log.level);
      const log = moduleLogger('http');
      const server = await startLeadServer(config, {
        logger: log,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.search ? {} : { search: null }),
      });
      process.stderr.write(`leadwire: lead board on ${server.boardUrl}  (API ${server.url}/leads, OpenAPI ${server.url}/openapi.json; reading ${config.kafka.brokers.join(',')})\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    });
}
