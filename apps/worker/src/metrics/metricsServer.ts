import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * A worker's scrape target: `GET /metrics` on its own small HTTP server (a worker serves
 * nothing else). Resolves once listening; the function it returns closes it.
 */
export async function startMetricsServer(registry: Registry, port: number, host: string, log: Logger): Promise<() => Promise<void>> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body),
      (error: Error) => {
        log.warn({ err: error }, 'metrics: scrape failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.info({ port, host }, 'metrics listening');
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
