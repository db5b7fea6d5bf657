import { z } from 'zod';
import { JobKind } from './jobs.ts';
import { WebhookEvent } from './webhooks.ts';

/**
 * Every queue, its job name, payload schema and policy in one place. A worker refuses to
 * start unless each queue has exactly one handler.
 */
export const GenerationPayload = z.object({ jobId: z.string().uuid(), kind: JobKind, model: z.string(), requestId: z.string().optional() });
export type GenerationPayload = z.infer<typeof GenerationPayload>;

export const WebhookDeliveryPayload = z.object({ jobId: z.string().uuid(), reservationRound: z.number().int().positive(), event: WebhookEvent });
export type WebhookDeliveryPayload = z.infer<typeof WebhookDeliveryPayload>;

export const queues = {
  generation: {
    name: 'generation',
    jobName: 'generate',
    payload: GenerationPayload,
    attempts: 3,
    backoffMs: 1000,
    /**
     * Aging, so a Free job is never starved: a job behind the best plan's that has waited this long is given
     * `promotedPriority`. BullMQ serves a job with no priority (0) before every prioritized
     * one, so a promoted job starts as soon as a worker slot frees: the published maximum
     * wait is this plus one run of the slowest job ahead of it.
     */
    promoteAfterMs: 30_000,
    promotedPriority: 0,
    /** Per-kind maximum run time; past it the job fails with `timeout`. */
    timeoutMs: { image: 120_000, video: 300_000, voice: 120_000 },
  },
  deadLetter: {
    name: 'generation-dead-letter',
    jobName: 'dead',
    payload: GenerationPayload.extend({
      // Entries dead-lettered before the catalog name no model; the job row has it.
      model: z.string().optional(),
      error: z.object({ code: z.string(), message: z.string() }),
      attempts: z.number().int(),
    }),
  },
  /**
   * One entry per webhook event (entry id from job, round and event: adding it twice is a
   * no-op), apart from the generation queue so a slow receiver never holds a job slot.
   */
  webhookDelivery: {
    name: 'webhook-delivery',
    jobName: 'deliver',
    payload: WebhookDeliveryPayload,
    /** Each attempt's deadline, connection and answer included. */
    timeoutMs: 10_000,
    /**
     * Backoff doubles from `firstDelayMs` up to `maxDelayMs` (plus up to 20 % jitter): 5 s,
     * 10 s … 43 min, then hourly. 36 attempts span 26 h at the least, past the 24 h promised.
     */
    attempts: 36,
    firstDelayMs: 5_000,
    maxDelayMs: 3_600_000,
    jitter: 0.2,
  },
  /**
   * The platform's own chores, run by the workers on a schedule. A BullMQ job scheduler
   * (`schedulerId`) exists once per Redis whatever the number of workers, and each of its runs
   * is one job that one worker takes.
   */
  maintenance: {
    name: 'maintenance',
    jobName: 'grant-monthly',
    schedulerId: 'monthly-grants',
    payload: z.object({}),
  },
} as const;

/**
 * One BullMQ queue per model, so a worker takes only the jobs of the models it serves:
 * `generation/<model id>` (ids are `owner/name` without ':', which BullMQ refuses in names).
 */
export const generationQueueName = (modelId: string): string => `${queues.generation.name}/${modelId}`;

export type QueueName = (typeof queues)[keyof typeof queues]['name'];
