import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError, JobKind } from '@atelier/contracts';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import { SubmitLimits } from '../plugins/submitLimits.ts';
import type { ApiServices } from '../services.ts';
import { submitGeneration } from '../services/submitGeneration.ts';
import { varyAsset } from '../services/varyAsset.ts';
import { streamJobEvents } from '../sse/streamJobEvents.ts';
import { parseId } from './params.ts';
import { preferWait } from './preferWait.ts';

/** Printable ASCII up to 255 characters, as the IETF draft for the header suggests. */
function idempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^[\x21-\x7e]{1,255}$/.test(value)) throw new AppError('validation_failed', 'Idempotency-Key: 1 to 255 printable ASCII characters');
  return value;
}

/** Aborts when the connection closes before the answer is sent (the client stopped waiting). */
function clientGone(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => reply.raw.writableFinished || gone.abort());
  return gone.signal;
}

export function generateRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    const { config } = services;
    const limits = new SubmitLimits(
      services.redis,
      `${config.QUEUE_PREFIX}:rate-limit:submit-`,
      config.SUBMIT_RATE_LIMIT_MAX,
      config.RATE_LIMIT_WINDOW_MS,
      config.SUBMIT_BURST_MAX,
      (error) => services.log.warn({ err: error }, 'submit limits skipped: Redis did not answer'),
    );

    app.post<{ Params: { kind: string } }>('/api/generate/:kind', async (request, reply) => {
      const kind = JobKind.safeParse(request.params.kind);
      if (!kind.success) throw new AppError('unknown_kind', `Unknown kind "${request.params.kind}"; use one of ${JobKind.options.join(', ')}.`);
      const waitSeconds = preferWait(request.headers.prefer);
      // Only for a known kind, so a mistyped URL spends nothing.
      await limits.enforce(currentUser(request).id, reply);
      const result = await submitGeneration(services, {
        user: currentUser(request),
        kind: kind.data,
        body: request.body,
        requestId: request.id,
        idempotencyKey: idempotencyKey(request.headers['idempotency-key']),
        apiKeyId: request.apiKey?.id ?? null,
        wait: waitSeconds === null ? undefined : { seconds: waitSeconds, signal: clientGone(reply) },
      });
      if (waitSeconds !== null) reply.header('preference-applied', `wait=${waitSeconds}`);
      return reply.status(result.statusCode).send(result.body);
    });

    /** A variation is a submit: the same limits, price and Idempotency-Key, its recipe taken from the asset. */
    app.post<{ Params: { id: string } }>('/api/assets/:id/vary', async (request, reply) => {
      const assetId = parseId(request.params.id, 'asset_not_found');
      await limits.enforce(currentUser(request).id, reply);
      const result = await varyAsset(services, {
        user: currentUser(request),
        assetId,
        body: request.body,
        requestId: request.id,
        idempotencyKey: idempotencyKey(request.headers['idempotency-key']),
        apiKeyId: request.apiKey?.id ?? null,
      });
      return reply.status(result.statusCode).send(result.body);
    });

    app.get<{ Params: { id: string } }>('/api/generate/:id/stream', async (request, reply) => {
      const jobId = parseId(request.params.id, 'job_not_found');
      await streamJobEvents(services, currentUser(request), jobId, request, reply);
    });
  };
}
