import type { FastifyInstance } from 'fastify';
import { DeadLetterQuery } from '@atelier/contracts';
import { createDeadLetterQueue } from '@atelier/queue';
import { requireAdmin } from '../plugins/requireAdmin.ts';
import type { ApiServices } from '../services.ts';
import { jobView } from '../jobView.ts';
import { listDeadLetterJobs, retryAllDeadLetters, retryDeadLetter, type DeadLetterDeps } from '@atelier/operations';
import { parseId } from './params.ts';

/**
 * The dead-letter queue, for admins (ADMIN_EMAILS, see requireAdmin):
 * - `GET /api/admin/dlq?start&limit`: dead jobs oldest first, each with its error, its row and
 *   every attempt's worker;
 * - `POST /api/admin/dlq/:id/retry`: the job goes back to `queued` with a fresh reservation
 *   (402 when its user lacks the credits, 409 when it is not failed);
 * - `POST /api/admin/dlq/retry-all`: every dead job, one at a time; the refused ones stay.
 */
export function adminRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    const deadLetters = createDeadLetterQueue(services.redis, services.config.QUEUE_PREFIX);
    const deps: DeadLetterDeps = { pool: services.pool, redis: services.redis, queues: services.queues, deadLetters };
    app.addHook('onClose', async () => deadLetters.close());
    app.addHook('preHandler', requireAdmin(services));

    app.get('/api/admin/dlq', async (request) => {
      const query = DeadLetterQuery.parse(request.query);
      return listDeadLetterJobs(deps, query.start, query.limit);
    });

    app.post<{ Params: { id: string } }>('/api/admin/dlq/:id/retry', async (request) => {
      const job = await retryDeadLetter(deps, parseId(request.params.id, 'job_not_found'));
      request.log.info({ job_id: job.id, round: job.reservationRound }, 'dead-lettered job retried');
      return { job: jobView(job) };
    });

    app.post('/api/admin/dlq/retry-all', async () => retryAllDeadLetters(deps));
  };
}
