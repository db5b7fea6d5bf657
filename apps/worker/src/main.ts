import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import { loadConfigOrExit } from '@atelier/config';
import { queues, type GenerationPayload } from '@atelier/contracts';
import { createPool } from '@atelier/db';
import { createEngines } from '@atelier/engines';
import { checkEvictionPolicy, createGenerationQueue, createRedis, onCancel } from '@atelier/queue';
import { createObjectStore } from '@atelier/storage';
import { workerConfigSchema } from './config.ts';
import { generationProcessor } from './generationProcessor.ts';
import { reconcileOnce } from './reconciler.ts';
import { promoteAgedJobs } from './agingPromoter.ts';
import { runPeriodically } from './periodic.ts';
import { makeWorkerId } from './workerId.ts';

class ShutdownError extends Error {
  override name = 'ShutdownError';
}

/** One worker process: `atelier worker`. Start as many as the queue needs. */
export async function startWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema, env);
  const workerId = makeWorkerId();
  const log = pino({ name: 'worker', level: config.LOG_LEVEL, base: { pid: process.pid, worker_id: workerId } });
  const logRedisError = (role: string) => (error: Error) => log.warn({ err: error, role }, 'redis connection error');

  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const redis = createRedis(config.REDIS_URL, 'worker', logRedisError('commands'));
  const subscriber = createRedis(config.REDIS_URL, 'subscriber', logRedisError('subscriber'));
  const warning = await checkEvictionPolicy(redis).catch((error: Error) => `could not read Redis eviction policy: ${error.message}`);
  if (warning) log.warn(warning);

  const queue = createGenerationQueue(redis, config.QUEUE_PREFIX);
  const deadLetters = new Queue(queues.deadLetter.name, { connection: redis, prefix: config.QUEUE_PREFIX });
  const shutdown = new AbortController();
  const running = new Map<string, AbortController>();
  await onCancel(subscriber, (jobId) => running.get(jobId)?.abort(new Error('canceled')));

  const handlers = {
    [queues.generation.name]: generationProcessor({
      pool, redis, store: createObjectStore(config), engines: createEngines(config), workerId, log, deadLetters, shutdownSignal: shutdown.signal, running,
    }),
  };
  const worker = new Worker<GenerationPayload>(queues.generation.name, handlers[queues.generation.name], {
    // BullMQ needs its own blocking connection per worker; it duplicates this one.
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: queues.generation.attempts - 1,
    name: workerId,
  });
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  const stopPeriodic = [
    runPeriodically('reconcile', config.RECONCILE_INTERVAL_MS, () => reconcileOnce(pool, queue, config.RECONCILE_MIN_AGE_MS, log), log),
    runPeriodically('promote', config.PROMOTE_INTERVAL_MS, () => promoteAgedJobs(pool, queue, config.QUEUE_PROMOTE_AFTER_MS, log), log),
  ];
  log.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  const stop = async (signal: string) => {
    log.info({ signal, running: running.size }, 'shutting down: finishing running jobs');
    stopPeriodic.forEach((stopTask) => stopTask());
    const grace = setTimeout(() => shutdown.abort(new ShutdownError('worker shutting down')), config.SHUTDOWN_GRACE_MS);
    await worker.close();
    clearTimeout(grace);
    await Promise.all([queue.close(), deadLetters.close()]);
    subscriber.disconnect();
    redis.disconnect();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
