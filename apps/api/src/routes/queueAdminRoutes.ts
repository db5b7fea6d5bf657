import type { FastifyInstance } from 'fastify';
import { WorkerConcurrencyBody } from '@atelier/contracts';
import { planOfPriority, queuePriorities, readWorkerConcurrency, writeWorkerConcurrency } from '@atelier/queue';
import { requireAdmin } from '../plugins/requireAdmin.ts';
import type { ApiServices } from '../services.ts';

const states = ['waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed'] as const;

/** BullMQ names a worker's connection `<queue client name>:w:<worker name>`; ours are worker ids (host:pid:suffix). */
const workerIdOf = (client: Record<string, string>) => {
  const raw = client.rawname ?? client.name ?? '';
  const at = raw.indexOf(':w:');
  return at === -1 ? raw : raw.slice(at + 3);
};

/**
 * Operating the generation queue, for admins (ADMIN_EMAILS):
 * - `GET /api/admin/queue`: counts per state and per priority, paused or not, the connected
 *   workers and the concurrency override;
 * - `POST /api/admin/queue/pause` and `/resume`: a paused queue still takes submits, but no
 *   worker starts a job until it is resumed; running jobs finish;
 * - `PUT /api/admin/queue/concurrency` `{ "perWorker": n | null }`: every worker applies it
 *   within WORKER_SETTINGS_POLL_MS, without a restart.
 */
export function queueAdminRoutes(services: ApiServices) {
  const { queue, redis, config } = services;

  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireAdmin(services));

    app.get('/api/admin/queue', async (request) => {
      const [counts, perPriority, paused, override, workers] = await Promise.all([
        queue.getJobCounts(...states),
        queue.getCountsPerPriority(queuePriorities),
        queue.isPaused(),
        readWorkerConcurrency(redis, config.QUEUE_PREFIX),
        // CLIENT LIST, which some managed Redis services refuse: the rest of the answer stands without it.
        queue.getWorkers().catch((error: Error) => {
          request.log.warn({ err: error }, 'admin queue: could not list workers (CLIENT LIST refused?)');
          return null;
        }),
      ]);
      return {
        paused,
        counts: Object.fromEntries(states.map((state) => [state, counts[state] ?? 0])),
        waitingByPriority: queuePriorities.map((priority) => ({ priority, plan: planOfPriority(priority), count: perPriority[String(priority)] ?? 0 })),
        workers: workers?.map((worker) => ({ id: workerIdOf(worker), addr: worker.addr, ageSeconds: Number(worker.age) })) ?? null,
        workerConcurrency: { override },
      };
    });

    app.post('/api/admin/queue/pause', async (request) => {
      await queue.pause();
      request.log.info('admin paused the generation queue');
      return { paused: true };
    });

    app.post('/api/admin/queue/resume', async (request) => {
      await queue.resume();
      request.log.info('admin resumed the generation queue');
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
