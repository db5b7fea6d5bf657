import { collectDefaultMetrics, Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Pool } from '@atelier/db';
import type { Catalog } from '@atelier/contracts';
import type { GenerationQueues } from '@atelier/queue';
import type { SseRegistry } from '../sse/sseRegistry.ts';
import { ScrapeReads } from './scrapeReads.ts';
import { countSseConnections } from './sseConnections.ts';
import { countUnfinishedJobs } from './jobsByStatus.ts';
import { measureQueueDepth } from './queueDepth.ts';
import { countCreditsMoved } from './creditsMoved.ts';

/**
 * The API process's metrics, served at `GET /metrics`. A registry of its own (not
 * prom-client's global one), so two apps in one process (tests) never collide. Request
 * latency is observed in memory as responses go out (see requestDuration.ts); everything read
 * from PostgreSQL or Redis is read when Prometheus scrapes, never per request.
 */
export function createApiMetrics(parts: { pool: Pool; queues: GenerationQueues; catalog: Catalog; streams: SseRegistry; log: FastifyBaseLogger }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reads = new ScrapeReads(registry, parts.log);
  countSseConnections(parts.streams, registry);
  countUnfinishedJobs(parts.pool, registry, reads);
  measureQueueDepth(parts.queues, parts.catalog, registry, reads);
  countCreditsMoved(parts.pool, registry, reads);
  return registry;
}
