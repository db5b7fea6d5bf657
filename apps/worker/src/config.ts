import { z } from 'zod';
import { queues } from '@atelier/contracts';
import {
  catalogConfig,
  databaseConfig,
  engineConfig,
  logConfig,
  port,
  positiveInt,
  productionSecrets,
  redisConfig,
  storageConfig,
  webhookPolicyConfig,
} from '@atelier/config';

export const workerConfigSchema = z
  .object({
    ...databaseConfig,
    ...redisConfig,
    ...storageConfig,
    ...engineConfig,
    ...logConfig,
    ...catalogConfig,
    /**
     * The models this worker serves (comma-separated catalog ids); unset: every listed model whose
     * engine can run here (its keys or tokens set). It takes jobs from those models' queues only.
     */
    WORKER_MODELS: z
      .string()
      .optional()
      .transform((value) =>
        value
          ?.split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ...webhookPolicyConfig,
    /** Webhook deliveries in flight at once per worker process: they wait on the network, not on a core. */
    WEBHOOK_CONCURRENCY: positiveInt(32),
    /** Each delivery attempt's deadline. */
    WEBHOOK_TIMEOUT_MS: positiveInt(queues.webhookDelivery.timeoutMs),
    /** The wait after a delivery's first failed attempt; it doubles up to WEBHOOK_RETRY_MAX_DELAY_MS (see queues.webhookDelivery). */
    WEBHOOK_RETRY_FIRST_DELAY_MS: positiveInt(queues.webhookDelivery.firstDelayMs),
    WEBHOOK_RETRY_MAX_DELAY_MS: positiveInt(queues.webhookDelivery.maxDelayMs),
    /** Jobs this process runs at once, across every model it serves. */
    WORKER_CONCURRENCY: positiveInt(2),
    /** How often the worker renews its announcement (models, engines, slots); it expires after three of these. */
    WORKER_ANNOUNCE_INTERVAL_MS: positiveInt(5_000),
    /** How often the worker reads the admin's concurrency override (PUT /api/admin/queue/concurrency). */
    WORKER_SETTINGS_POLL_MS: positiveInt(5_000),
    /** Serve Prometheus metrics at GET /metrics on this port (9464 in the images); 0, the default: no metrics server. */
    WORKER_METRICS_PORT: port(0),
    WORKER_METRICS_HOST: z.string().default('0.0.0.0'),
    /**
     * How long a job's lock lives without renewal (BullMQ renews it every half of this). A
     * killed or frozen worker's job runs again within this plus one stalled-job check: 5 s +
     * 2 s keeps that under 10 s, and the 2.5 s between a renewal and the lock's end outlasts
     * the longest event-loop stall measured (1.5 s, a 1024 px image on a loaded machine;
     * docs/reliability.md).
     */
    WORKER_LOCK_DURATION_MS: positiveInt(5_000),
    /** How often each worker looks for jobs whose lock has lapsed (stalled-job detection). */
    WORKER_STALLED_INTERVAL_MS: positiveInt(2_000),
    /** How often the worker checks that Redis still holds the queue (its data sentinel); a loss puts every unfinished job back. */
    REDIS_LOSS_CHECK_MS: positiveInt(1_000),
    /**
     * How often the monthly credit grant runs (one scheduler across all workers; each user is
     * granted once per month and plan, by the first run of the month). Hourly by default; 0: this
     * worker neither schedules nor runs it.
     */
    MONTHLY_GRANT_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** How often the reconciler compares unfinished rows with the queue. */
    RECONCILE_INTERVAL_MS: positiveInt(30_000),
    /** A row must be this old before the reconciler treats it as lost by the queue. */
    RECONCILE_MIN_AGE_MS: positiveInt(60_000),
    /** A job waiting longer than this jumps the queue (aging; see queues.generation in contracts). */
    QUEUE_PROMOTE_AFTER_MS: positiveInt(queues.generation.promoteAfterMs),
    PROMOTE_INTERVAL_MS: positiveInt(2_000),
    /** On SIGTERM, how long running jobs get to finish before they are handed back. */
    SHUTDOWN_GRACE_MS: positiveInt(20_000),
    /** Per-kind run time limits (defaults in queues.generation.timeoutMs); past it the job fails with `timeout`. */
    JOB_TIMEOUT_IMAGE_MS: positiveInt(queues.generation.timeoutMs.image),
    JOB_TIMEOUT_VIDEO_MS: positiveInt(queues.generation.timeoutMs.video),
    JOB_TIMEOUT_VOICE_MS: positiveInt(queues.generation.timeoutMs.voice),
    /** A local-disk upload that fails is tried this many more times, this long apart (S3: the SDK retries). */
    STORAGE_PUT_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
    STORAGE_PUT_RETRY_DELAY_MS: positiveInt(250),
    /**
     * libvips threads per picture (sharp's concurrency). 1: the worker runs WORKER_CONCURRENCY
     * jobs at once, and a picture's decode is not faster with more (512–1024 px: 3.69 ms with
     * one per core, 3.79 with one), while each extra thread is a wake-up in every check
     * (job cycle median 8.37 → 7.77 ms in an A/B).
     */
    SHARP_CONCURRENCY: positiveInt(1),
  })
  .superRefine(productionSecrets);

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
