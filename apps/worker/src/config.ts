import { z } from 'zod';
import { queues } from '@atelier/contracts';
import { databaseConfig, engineConfig, logConfig, port, positiveInt, redisConfig, storageConfig } from '@atelier/config';

export const workerConfigSchema = z.object({
  ...databaseConfig,
  ...redisConfig,
  ...storageConfig,
  ...engineConfig,
  ...logConfig,
  WORKER_CONCURRENCY: positiveInt(2),
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
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
