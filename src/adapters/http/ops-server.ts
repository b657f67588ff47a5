import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { registry } from '../../core/metrics.js';

/**
 * The worker's operations endpoint: /metrics for Prometheus, /healthz (the
 * process is alive) and /readyz (every stage joined its group). Workers have
 * no other HTTP surface; the lead API is a separate server.
 */
export function startOpsServer(opts: { port: number; host?: string; ready: () => boolean; logger: Logger }): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = req.url?.split('?')[0];
    if (url === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
    } else if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    } else if (url === '/readyz') {
      const ok = opts.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ready' : 'starting' }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found: try /metrics, /healthz or /readyz"}');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      opts.logger.info({ port: opts.port }, 'ops endpoint: /metrics /healthz /readyz');
      resolve(server);
    });
  });
}
