import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '@atelier/contracts';
import type { ApiServices } from '../services.ts';
import { refusalRememberingStore } from './refusalRememberingStore.ts';

const isSubmit = (request: FastifyRequest) => request.method === 'POST' && request.routeOptions.url === '/api/generate/:kind';

/**
 * Per-user request limits, counted in Redis so they hold across every API process:
 * `RATE_LIMIT_MAX` per `RATE_LIMIT_WINDOW_MS`. Submits are counted apart, by the submit route
 * (submitLimits.ts). Past a limit: 429 `rate_limited` with `Retry-After`. The check runs
 * as the last preHandler, after `requireUser`, so it is keyed by user id; requests without a
 * user (health checks, sign-in, signed file links) are left to the edge, where the client's
 * address is known. A refusal is remembered in this process until its window ends
 * (refusalRememberingStore.ts), so a flood is turned away without a Redis round trip each.
 * If Redis fails the limit is skipped rather than failing the request (what needs Redis
 * answers 503 itself).
 */
export async function registerRateLimits(app: FastifyInstance, services: ApiServices): Promise<void> {
  const { config } = services;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    store: refusalRememberingStore(services.redis, `${config.QUEUE_PREFIX}:rate-limit:`),
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    max: config.RATE_LIMIT_MAX,
    keyGenerator: (request) => `all:${request.user?.id ?? ''}`,
    allowList: (request) => request.user === null || isSubmit(request),
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`),
  });
}
