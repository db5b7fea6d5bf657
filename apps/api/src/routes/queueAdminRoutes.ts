import type { FastifyInstance } from 'fastify';
import { type UnservedJobList, WorkerConcurrencyBody, type WorkerList } from '@atelier/contracts';
import { liveWorkers, planOfPriority, queuePriorities, readQueueTotals, readWorkerConcurrency, writeWorkerConcurrency } from '@atelier/queue';
import { listJobsWaitingForModels } from '@atelier/db';
import { requireAdmin } from '../plugins/requireAdmin.ts';
import type { ApiServices } from '../services.ts';
import { waitingForWorker } from '../queue/queuePositionTicker.ts';

/**
 * Operating the generation queues (one per model), for admins (ADMIN_EMAILS):
 * - `GET /api/admin/queue`: counts per state and per priority (all models, and per model),
 *   paused or not, the live workers and the concurrency override;
 * - `GET /api/admin/workers`: the live workers' announcements (models, engines, GPU, slots);
 * - `GET /api/admin/queue/unserved`: queued jobs of models no live worker serves;
 * - `POST /api/admin/queue/pause` and `/resume`: paused queues still take submits, but no
 *   worker starts a job until they are resumed; running jobs finish;
 * - `PUT /api/admin/queue/concurrency` `{ "perWorker": n | null }`: every worker applies it
 *   within WORKER_SETTINGS_POLL_MS, without a restart.
 */
export function queueAdminRoutes(services: ApiServices) {
  const { queues, redis, config, catalog } = services;
  const models = catalog.models.map((model) => model.id);

  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireAdmin(services));

    app.get('/api/admin/queue', async () => {
      const [{ total, byModel }, override, workers] = await Promise.all([
        readQueueTotals(queues, models),
        readWorkerConcurrency(redis, config.QUEUE_PREFIX),
        liveWorkers(redis, config.QUEUE_PREFIX),
      ]);
      const byPriority = (perPriority: Record<string, number>) =>
        queuePriorities.map((priority) => ({ priority, plan: planOfPriority(priority), count: perPriority[String(priority)] ?? 0 }));
      return {
        paused: total.paused,
        counts: total.counts,
        waitingByPriority: byPriority(total.perPriority),
        models: Object.entries(byModel).map(([model, totals]) => ({ model, paused: totals.paused, counts: totals.counts })),
        workers: workers.map((worker) => ({ id: worker.id, models: worker.models, concurrency: worker.concurrency, busy: worker.busy })),
        workerConcurrency: { override },
      };
    });

    app.get('/api/admin/workers', async (): Promise<WorkerList> => ({ items: await liveWorkers(redis, config.QUEUE_PREFIX) }));

    app.get('/api/admin/queue/unserved', async (): Promise<UnservedJobList> => {
      const served = new Set((await liveWorkers(redis, config.QUEUE_PREFIX)).flatMap((worker) => worker.models));
      const unserved = models.filter((model) => !served.has(model));
      const jobs = await listJobsWaitingForModels(services.pool, unserved, 100);
      return {
        items: jobs.map((job) => ({
          jobId: job.id,
          model: job.model,
          kind: job.kind,
          createdAt: job.createdAt.toISOString(),
          waitingFor: waitingForWorker(job.model),
        })),
      };
    });

    app.post('/api/admin/queue/pause', async (request) => {
      await Promise.all(models.map((model) => queues.of(model).pause()));
      request.log.info('admin paused the generation queues');
      return { paused: true };
    });

    app.post('/api/admin/queue/resume', async (request) => {
      await Promise.all(models.map((model) => queues.of(model).resume()));
      request.log.info('admin resumed the generation queues');
      return { paused: false };
    });

    app.put('/api/admin/queue/concurrency', async (request) => {
      const { perWorker } = WorkerConcurrencyBody.parse(request.body);
      await writeWorkerConcurrency(redis, config.QUEUE_PREFIX, perWorker);
      request.log.info({ per_worker: perWorker }, 'admin set worker concurrency');
      return { workerConcurrency: { override: perWorker } };
    });
  };
}
