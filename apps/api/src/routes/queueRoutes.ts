import type { FastifyInstance } from 'fastify';
import { jobKinds, plans, type Plan } from '@atelier/contracts';
import { jobsAheadOfPriority } from '@atelier/queue';
import type { ApiServices } from '../services.ts';

/** `GET /api/queue`: public wait estimates per plan and kind, for the app and the landing page. */
export function queueRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.get('/api/queue', async () => {
      const estimates: Record<string, Record<string, { jobsAhead: number; etaSeconds: number }>> = {};
      for (const plan of Object.keys(plans) as Plan[]) {
        const jobsAhead = await jobsAheadOfPriority(services.redis, services.config.QUEUE_PREFIX, plans[plan].queuePriority);
        estimates[plan] = {};
        for (const kind of jobKinds) estimates[plan][kind] = { jobsAhead, etaSeconds: await services.waitEstimator.etaSeconds(jobsAhead, kind) };
      }
      return { estimates };
    });
  };
}
