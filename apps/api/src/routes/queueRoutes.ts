import type { FastifyInstance } from 'fastify';
import { jobKinds, plans, type Plan } from '@atelier/contracts';
import { jobsAheadOfPriority } from '@atelier/queue';
import type { ApiServices } from '../services.ts';

/**
 * `GET /api/queue`: public wait estimates per plan and kind (for the kind's default model, the
 * one a submit without `model` gets), for the app and the landing page.
 */
export function queueRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.get('/api/queue', async () => {
      const estimates: Record<string, Record<string, { jobsAhead: number; etaSeconds: number }>> = {};
      for (const plan of Object.keys(plans) as Plan[]) {
        estimates[plan] = {};
        for (const kind of jobKinds) {
          const model = services.catalog.defaultOf(kind).id;
          const jobsAhead = await jobsAheadOfPriority(services.redis, services.config.QUEUE_PREFIX, model, plans[plan].queuePriority);
          estimates[plan][kind] = { jobsAhead, etaSeconds: await services.waitEstimator.etaSeconds(jobsAhead, model) };
        }
      }
      return { estimates };
    });
  };
}
