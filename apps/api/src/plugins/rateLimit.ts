import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '@atelier/contracts';
import type { ApiServices } from '../services.ts';
import { refusalRememberingStore } from './refusalRememberingStore.ts';

const isSubmit = (request: FastifyRequest) => request.method === 'POST' && request.routeOptions.url === '/api/generate/:kind';

/**
 * Per-user request limits, counted in Redis so they hold across every API process: submits
 * (`SUBMIT_RATE_LIMIT_MAX` per `RATE_LIMIT_WINDOW_MS`) and everything else (`RATE_LIMIT_MAX`)
 * in two separate buckets. Past a limit: 429 `rate_limited` with `Retry-After`. The check runs
 * as the last preHandler, after `requireUser`, so it is keyed by user id; requests without a
 * user (health checks, sign-in, signed file links) are left to the edge, where the client's
 * address is known. A refusal is remembered in this process until its window ends
 * (refusalRememberingStore.ts), so a flood is turned away without a Redis round trip each.
 * If Redis fails the limit is skipped rather than failing the request: the submit itself
 * answers 503 when the queue is down.
 */
export async function registerRateLimits(app: FastifyInstance, services: ApiServices): Promise<void> {
  const { config } = services;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    store: refusalRememberingStore(services.redis, `${config.QUEUE_PREFIX}:rate-limit:`),
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    max: async (request) => (isSubmit(request) ? config.SUBMIT_RATE_LIMIT_MAX : config.RATE_LIMIT_MAX),
    keyGenerator: (request) => `${isSubmit(request) ? 'submit' : 'all'}:${request.user?.id ?? ''}`,
    allowList: (request) => request.user === null,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`),
  });
}

/**
 * The second submit limit: `max` a second per user, in Redis beside the window's count. Called
 * by the submit route after the window's check (so a user past either gets 429 `rate_limited`
 * with `Retry-After`), and only for a known kind, so a mistyped URL spends nothing.
 */
export function submitBurstLimit(app: FastifyInstance, max: number) {
  const check = app.createRateLimit({ max, timeWindow: 1_000, keyGenerator: (request) => `submit-burst:${request.user?.id ?? ''}` });
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
    throw new AppError('rate_limited', `At most ${max} submits a second; try again in ${Math.max(1, result.ttlInSeconds)} s.`);
  };
}
