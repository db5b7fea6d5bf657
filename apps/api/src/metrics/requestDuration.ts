import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

/**
 * `atelier_http_request_duration_seconds{method,route,status_code}`: observed in memory when
 * each response is sent. `route` is the route's pattern (`/api/jobs/:id`), never the raw URL,
 * so the number of series stays bounded; requests no route matched share `unmatched`.
 * Event streams are left out: their "duration" is how long a browser kept a tab open.
 */
export function observeRequestDurations(app: FastifyInstance, registry: Registry): void {
  const histogram = new Histogram({
    name: 'atelier_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code (event streams excluded).',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Replies Fastify sends pass onSend; a stream the handler took over (reply.hijack(), the
  // SSE routes) does not, and is left out.
  const sentByFastify = new WeakSet<FastifyRequest>();
  app.addHook('onSend', async (request) => {
    sentByFastify.add(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!sentByFastify.has(request)) return;
    histogram.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
