import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { observeRequestDurations } from './requestDuration.ts';

/**
 * `GET /metrics` in Prometheus's text format, and request latency for every route. Called on
 * the root instance, before the route plugins, so its response hook sees every route. Keep
 * /metrics off the public load balancer: scrape the pod or service address.
 */
export function registerMetrics(app: FastifyInstance, registry: Registry): void {
  observeRequestDurations(app, registry);
  app.get('/metrics', async (_request, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(body);
  });
}
