import type { FastifyInstance } from 'fastify';
import { AppError, type RotatedWebhookSecretAnswer, type WebhookEventList, type WebhookSecretAnswer } from '@atelier/contracts';
import { findJobForUser, listWebhookEventsOfJob } from '@atelier/db';
import { accountSecret, rotateAccountSecret } from '@atelier/webhooks';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { parseId } from './params.ts';

/** The account's signing secret, its rotation, and what each job's webhook was sent. */
export function webhookRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.get('/api/webhooks/secret', async (request): Promise<WebhookSecretAnswer> => ({ secret: await accountSecret(services.pool, currentUser(request).id) }));

    app.post('/api/webhooks/secret/rotate', async (request): Promise<RotatedWebhookSecretAnswer> => {
      const rotated = await rotateAccountSecret(services.pool, currentUser(request).id);
      return { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
    });

    // Another user's job is indistinguishable from a missing one.
    app.get<{ Params: { id: string } }>('/api/jobs/:id/webhooks', async (request): Promise<WebhookEventList> => {
      const job = await findJobForUser(services.pool, currentUser(request).id, parseId(request.params.id, 'job_not_found'));
      if (!job) throw new AppError('job_not_found');
      return { items: await listWebhookEventsOfJob(services.pool, job.id) };
    });
  };
}
