import { Worker } from 'bullmq';
import { createLogger, loadConfigOrExit, tellParentReady } from '@atelier/config';
import { queues, type GenerationPayload } from '@atelier/contracts';
import { createPool, deleteOldIdempotencyKeys } from '@atelier/db';
import { createEngines, refusingUnavailable, unavailableKinds } from '@atelier/engines';
import { checkEvictionPolicy, createDeadLetterQueue, createGenerationQueue, createRedis, onCancel } from '@atelier/queue';
import { setImageThreadsPerPicture } from '@atelier/media';
import { createObjectStore } from '@atelier/storage';
import { workerConfigSchema } from './config.ts';
import { generationProcessor, RecordedFailure } from './generationProcessor.ts';
import { failGeneration, stalledTooOften } from './failGeneration.ts';
import { withConfirmedUploads } from './confirmedUploads.ts';
import { reconcileOnce } from './reconciler.ts';
import { promoteAgedJobs } from './agingPromoter.ts';
import { runPeriodically } from './periodic.ts';
import { makeWorkerId } from './workerId.ts';
import { followConcurrency } from './concurrencyFollower.ts';
import { WorkerMetrics } from './metrics/workerMetrics.ts';
import { startMetricsServer } from './metrics/metricsServer.ts';

class ShutdownError extends Error {
  override name = 'ShutdownError';
}

class LockLostError extends Error {
  override name = 'LockLostError';
}

/** One worker process: `atelier worker`. Start as many as the queue needs. */
export async function startWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema, env);
  const workerId = makeWorkerId();
  const log = createLogger('worker', config.LOG_LEVEL, { worker_id: workerId });
  setImageThreadsPerPicture(config.SHARP_CONCURRENCY);
  const logRedisError = (role: string) => (error: Error) => log.warn({ err: error, role }, 'redis connection error');

  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
  const redis = createRedis(config.REDIS_URL, 'worker', logRedisError('commands'));
  const subscriber = createRedis(config.REDIS_URL, 'subscriber', logRedisError('subscriber'));
  const warning = await checkEvictionPolicy(redis).catch(
    (error: Error) => `could not read Redis maxmemory-policy (CONFIG GET refused?): ${error.message}; BullMQ needs "noeviction"`,
  );
  if (warning) log.warn(warning);

  const queue = createGenerationQueue(redis, config.QUEUE_PREFIX);
  const deadLetters = createDeadLetterQueue(redis, config.QUEUE_PREFIX);
  const shutdown = new AbortController();
  const running = new Map<string, AbortController>();
  await onCancel(subscriber, (jobId) => running.get(jobId)?.abort(new Error('canceled')));

  const store = withConfirmedUploads(createObjectStore(config), config.STORAGE_PUT_RETRIES, config.STORAGE_PUT_RETRY_DELAY_MS);
  // Said at start, not when a job fails halfway: a kind whose programs are missing is refused.
  const unavailable = await unavailableKinds(config);
  for (const { kind, message } of unavailable) log.error({ kind }, `cannot run ${message}; refusing ${kind} jobs until then`);
  const engines = refusingUnavailable(createEngines(config), unavailable);
  const deps = { pool, redis, store, engines, workerId, log, deadLetters };
  const timeoutMs = { image: config.JOB_TIMEOUT_IMAGE_MS, video: config.JOB_TIMEOUT_VIDEO_MS, voice: config.JOB_TIMEOUT_VOICE_MS };
  const metrics = new WorkerMetrics(config.WORKER_CONCURRENCY);
  const handlers = {
    [queues.generation.name]: generationProcessor({ ...deps, shutdownSignal: shutdown.signal, running, timeoutMs, metrics }),
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
  // This process was frozen past its lock (or cut off from Redis) and another worker may run
  // the job now: stop the engine instead of finishing work whose completion would be refused.
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const jobId of jobIds) running.get(jobId)?.abort(new LockLostError(`lost the lock of job ${jobId}`));
  });
  // An admin's concurrency override (Redis), applied now and whenever it changes.
  const followOverride = followConcurrency(
    redis,
    config.QUEUE_PREFIX,
    config.WORKER_CONCURRENCY,
    (concurrency) => {
      metrics.busy.setConcurrency(concurrency);
      worker.concurrency = concurrency;
    },
    log,
  );
  await followOverride().catch((error: Error) => log.warn({ err: error }, 'could not read the concurrency override; polling for it'));
  const closeMetrics =
    config.WORKER_METRICS_PORT > 0 ? await startMetricsServer(metrics.registry, config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST, log) : null;
  // BullMQ fails a job that stalled more than maxStalledCount times (it kept killing its
  // worker) without calling the processor: finish its row here. For a job our processor
  // failed, the row is already final and this changes nothing. The reconciler covers a worker
  // that dies before this runs.
  worker.on('failed', (job, error) => {
    if (!job?.id || error instanceof RecordedFailure || error.name !== 'UnrecoverableError') return;
    failGeneration(deps, job.id, stalledTooOften(error.message), { anyHolder: true }).then(
      (changed) => changed && log.warn({ job_id: job.id, reason: error.message }, 'the queue gave up on a job; failed, refunded and dead-lettered'),
      (failure: Error) => log.error({ err: failure, job_id: job.id }, 'could not finish a job the queue gave up; the reconciler will'),
    );
  });
  const stopPeriodic = [
    runPeriodically('reconcile', config.RECONCILE_INTERVAL_MS, () => reconcileOnce(deps, queue, config.RECONCILE_MIN_AGE_MS, log), log),
    runPeriodically('promote', config.PROMOTE_INTERVAL_MS, () => promoteAgedJobs(pool, queue, config.QUEUE_PROMOTE_AFTER_MS, log), log),
    runPeriodically('concurrency', config.WORKER_SETTINGS_POLL_MS, followOverride, log),
    // Idempotency-Key answers are promised for 24 hours; keep them two days, then let them go.
    runPeriodically('idempotency-keys', 3_600_000, () => deleteOldIdempotencyKeys(pool, 48), log),
  ];
  log.info({ concurrency: worker.concurrency, metrics_port: config.WORKER_METRICS_PORT || null }, 'worker started');
  tellParentReady();

  const stop = async (signal: string) => {
    log.info({ signal, running: running.size }, 'shutting down: finishing running jobs');
    for (const stopTask of stopPeriodic) stopTask();
    const grace = setTimeout(() => shutdown.abort(new ShutdownError('worker shutting down')), config.SHUTDOWN_GRACE_MS);
    // A last resort: handing jobs back takes a moment after the grace period, never this long.
    setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 15_000).unref();
    await worker.close();
    clearTimeout(grace);
    await Promise.all([queue.close(), deadLetters.close(), closeMetrics?.()]);
    subscriber.disconnect();
    redis.disconnect();
    await pool.end();
    log.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
