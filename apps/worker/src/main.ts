import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ConfigError, createLogger, loadConfigOrExit, tellParentReady } from '@atelier/config';
import { generationQueueName, queues, type GenerationPayload } from '@atelier/contracts';
import { createPool, deleteOldIdempotencyKeys } from '@atelier/db';
import {
  checkComfyUiModels,
  createEngines,
  withoutUnavailable,
  runnableModels,
  sharedEngineParts,
  unavailableModels,
  type Engines,
  type SharedEngineParts,
} from '@atelier/engines';
import { checkEvictionPolicy, createDeadLetterQueue, createRedis, GenerationQueues, onCancel } from '@atelier/queue';
import { setImageThreadsPerPicture } from '@atelier/media';
import { createObjectStore } from '@atelier/storage';
import { createWebhookAgents, createWebhookDeliveryQueue, createWebhookDeliveryWorker, sweepWebhookEvents, WebhookNotifier } from '@atelier/webhooks';
import { workerConfigSchema, type WorkerConfig } from './config.ts';
import { generationProcessor, RecordedFailure } from './generationProcessor.ts';
import { failGeneration, stalledTooOften } from './failGeneration.ts';
import { withConfirmedUploads } from './confirmedUploads.ts';
import { reconcileOnce } from './reconciler.ts';
import { watchForRedisLoss } from './redisLossWatcher.ts';
import { promoteAgedJobs } from './agingPromoter.ts';
import { runPeriodically } from './periodic.ts';
import { makeWorkerId } from './workerId.ts';
import { followConcurrency } from './concurrencyFollower.ts';
import { WorkerMetrics } from './metrics/workerMetrics.ts';
import { SlotGate } from './slotGate.ts';
import { workerAnnouncer } from './workerAnnouncer.ts';
import { startMetricsServer } from './metrics/metricsServer.ts';
import { startMonthlyGrants } from './monthlyGrantWorker.ts';

class ShutdownError extends Error {
  override name = 'ShutdownError';
}

class LockLostError extends Error {
  override name = 'LockLostError';
}

/**
 * The engines of the models this worker serves. A model it cannot serve, or a ComfyUI
 * workflow that does not fit its server, stops the process with every problem named; a
 * ComfyUI that does not answer yet is logged, and its jobs wait and retry.
 */
async function enginesOrExit(config: WorkerConfig, shared: SharedEngineParts, log: Logger): Promise<Engines> {
  const catalog = config.ATELIER_MODELS;
  const models = config.WORKER_MODELS ?? runnableModels(catalog, config, shared);
  try {
    if (models.length === 0) throw new ConfigError(['WORKER_MODELS: no model of the catalog can run on this worker']);
    const engines = createEngines(catalog, models, config, shared);
    const { problems, unreachable } = await checkComfyUiModels(catalog, models, shared);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `ATELIER_MODELS: ${problem}`));
    for (const { baseUrl, error } of unreachable)
      log.error({ err: error, base_url: baseUrl }, 'ComfyUI did not answer; its workflows are not checked and its GPU is unknown');
    return engines;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}

/** One worker process: `atelier worker`. Start as many as the queues need. */
export async function startWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema, env);
  const workerId = makeWorkerId();
  const log = createLogger('worker', config.LOG_LEVEL, { worker_id: workerId });
  const shared = sharedEngineParts({
    clientId: workerId,
    upscaleThreads: config.UPSCALE_THREADS,
    warn: (message, error) => log.warn({ err: error }, message),
  });
  const served = await enginesOrExit(config, shared, log);
  // Said at start, not when a job fails halfway: a model whose programs are missing is not served here.
  const unavailable = await unavailableModels(config.ATELIER_MODELS, [...served.keys()]);
  for (const { model, message } of unavailable) log.error({ model }, `cannot run ${message}; not serving it`);
  const engines = withoutUnavailable(served, unavailable);
  if (engines.size === 0) {
    log.fatal('this worker can run none of its models: install what is named above');
    process.exit(78);
  }
  setImageThreadsPerPicture(config.SHARP_CONCURRENCY);
  const logRedisError = (role: string) => (error: Error) => log.warn({ err: error, role }, 'redis connection error');

  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
  const redis = createRedis(config.REDIS_URL, 'worker', logRedisError('commands'));
  const subscriber = createRedis(config.REDIS_URL, 'subscriber', logRedisError('subscriber'));
  const warning = await checkEvictionPolicy(redis).catch(
    (error: Error) => `could not read Redis maxmemory-policy (CONFIG GET refused?): ${error.message}; BullMQ needs "noeviction"`,
  );
  if (warning) log.warn(warning);

  const generationQueues = new GenerationQueues(redis, config.QUEUE_PREFIX);
  const deadLetters = createDeadLetterQueue(redis, config.QUEUE_PREFIX);
  const shutdown = new AbortController();
  const stopping = new AbortController();
  const running = new Map<string, AbortController>();
  await onCancel(subscriber, (jobId) => running.get(jobId)?.abort(new Error('canceled')));

  const store = withConfirmedUploads(createObjectStore(config), config.STORAGE_PUT_RETRIES, config.STORAGE_PUT_RETRY_DELAY_MS);
  const webhooks = new WebhookNotifier(createWebhookDeliveryQueue(redis, config.QUEUE_PREFIX), log);
  const deps = { pool, redis, store, engines, catalog: config.ATELIER_MODELS, workerId, log, deadLetters, webhooks };
  const timeoutMs = { image: config.JOB_TIMEOUT_IMAGE_MS, video: config.JOB_TIMEOUT_VIDEO_MS, voice: config.JOB_TIMEOUT_VOICE_MS };
  const metrics = new WorkerMetrics(config.WORKER_CONCURRENCY);
  const models = [...engines.keys()];
  // Several model queues share the process's slots through the gate; one queue needs none.
  const slots = models.length > 1 ? new SlotGate(config.WORKER_CONCURRENCY) : undefined;
  const processor = generationProcessor({ ...deps, shutdownSignal: shutdown.signal, stopSignal: stopping.signal, running, timeoutMs, metrics, slots });
  // One BullMQ Worker per served model's queue: a worker never sees another model's job.
  const workers = models.map(
    (model) =>
      new Worker<GenerationPayload>(generationQueueName(model), processor, {
        // BullMQ needs its own blocking connection per worker; it duplicates this one.
        connection: redis,
        prefix: config.QUEUE_PREFIX,
        concurrency: config.WORKER_CONCURRENCY,
        lockDuration: config.WORKER_LOCK_DURATION_MS,
        stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
        maxStalledCount: queues.generation.attempts - 1,
        name: workerId,
      }),
  );
  let concurrency = config.WORKER_CONCURRENCY;
  for (const worker of workers) {
    slots?.attach(worker);
    worker.on('error', (error) => log.error({ err: error }, 'worker error'));
    // This process was frozen past its lock (or cut off from Redis) and another worker may run
    // the job now: stop the engine instead of finishing work whose completion would be refused.
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) running.get(jobId)?.abort(new LockLostError(`lost the lock of job ${jobId}`));
    });
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
  }
  const deliveries = createWebhookDeliveryWorker(redis, config.QUEUE_PREFIX, config.WEBHOOK_CONCURRENCY, {
    pool,
    agents: createWebhookAgents(),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    allowHttp: config.WEBHOOK_ALLOW_HTTP,
    retry: { firstDelayMs: config.WEBHOOK_RETRY_FIRST_DELAY_MS, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS, jitter: queues.webhookDelivery.jitter },
    now: Date.now,
  });
  deliveries.on('error', (error) => log.error({ err: error }, 'webhook delivery worker error'));
  const monthlyGrants =
    config.MONTHLY_GRANT_INTERVAL_MS > 0 ? await startMonthlyGrants(redis, config.QUEUE_PREFIX, config.MONTHLY_GRANT_INTERVAL_MS, pool, log) : null;
  const announcer = workerAnnouncer(redis, config.QUEUE_PREFIX, config.WORKER_ANNOUNCE_INTERVAL_MS, {
    id: workerId,
    engines,
    concurrency: () => concurrency,
    busy: () => running.size,
  });
  // An admin's concurrency override (Redis), applied now and whenever it changes.
  const followOverride = followConcurrency(
    redis,
    config.QUEUE_PREFIX,
    config.WORKER_CONCURRENCY,
    (next) => {
      concurrency = next;
      metrics.busy.setConcurrency(next);
      slots?.setSlots(next);
      for (const worker of workers) worker.concurrency = next;
    },
    log,
  );
  await followOverride().catch((error: Error) => log.warn({ err: error }, 'could not read the concurrency override; polling for it'));
  const closeMetrics =
    config.WORKER_METRICS_PORT > 0 ? await startMetricsServer(metrics.registry, config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST, log) : null;
  const sweepWebhooks = async () => {
    const queued = await sweepWebhookEvents(pool, webhooks.queue, config.RECONCILE_MIN_AGE_MS);
    if (queued > 0) log.warn({ queued }, 'reconciler queued webhook events that were never queued or that Redis lost');
  };
  const stopPeriodic = [
    runPeriodically('reconcile', config.RECONCILE_INTERVAL_MS, () => reconcileOnce(deps, generationQueues, config.RECONCILE_MIN_AGE_MS, log), log),
    runPeriodically('webhook-sweep', config.RECONCILE_INTERVAL_MS, () => sweepWebhooks(), log),
    runPeriodically('promote', config.PROMOTE_INTERVAL_MS, () => promoteAgedJobs(pool, generationQueues, config.QUEUE_PROMOTE_AFTER_MS, log), log),
    runPeriodically('concurrency', config.WORKER_SETTINGS_POLL_MS, followOverride, log),
    runPeriodically('announce', config.WORKER_ANNOUNCE_INTERVAL_MS, announcer.announce, log),
    // Idempotency-Key answers are promised for 24 hours; keep them two days, then let them go.
    runPeriodically('idempotency-keys', 3_600_000, () => deleteOldIdempotencyKeys(pool, 48), log),
  ];
  // Every accepted job is in PostgreSQL: within a check of Redis losing the queue, it is back.
  const redisLoss = watchForRedisLoss(redis, config.QUEUE_PREFIX, config.REDIS_LOSS_CHECK_MS, () => reconcileOnce(deps, generationQueues, 0, log), log);
  // Announced before the log line tests wait for: a started worker is listed.
  await announcer.announce();
  log.info({ concurrency, models, metrics_port: config.WORKER_METRICS_PORT || null }, 'worker started');
  tellParentReady();

  const stop = async (signal: string) => {
    log.info({ signal, running: running.size }, 'shutting down: finishing running jobs');
    stopping.abort();
    redisLoss.stop();
    for (const stopTask of stopPeriodic) stopTask();
    const grace = setTimeout(() => shutdown.abort(new ShutdownError('worker shutting down')), config.SHUTDOWN_GRACE_MS);
    // A last resort: handing jobs back takes a moment after the grace period, never this long.
    setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 15_000).unref();
    await announcer.withdraw().catch((error: Error) => log.warn({ err: error }, 'could not withdraw the announcement; it expires'));
    await Promise.all([...workers.map((worker) => worker.close()), deliveries.close(), monthlyGrants?.close()]);
    clearTimeout(grace);
    await Promise.all([generationQueues.close(), deadLetters.close(), webhooks.queue.close(), closeMetrics?.(), shared.close()]);
    subscriber.disconnect();
    redis.disconnect();
    await pool.end();
    log.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
