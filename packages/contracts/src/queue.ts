import { z } from 'zod';
import { JobKind } from './jobs.ts';

/**
 * Every queue, its job name, payload schema and policy in one place. A worker refuses to
 * start unless each queue has exactly one handler.
 */
export const GenerationPayload = z.object({ jobId: z.string().uuid(), kind: JobKind, model: z.string(), requestId: z.string().optional() });
export type GenerationPayload = z.infer<typeof GenerationPayload>;

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
} as const;

/**
 * One BullMQ queue per model, so a worker takes only the jobs of the models it serves:
 * `generation/<model id>` (ids are `owner/name` without ':', which BullMQ refuses in names).
 */
export const generationQueueName = (modelId: string): string => `${queues.generation.name}/${modelId}`;

export type QueueName = (typeof queues)[keyof typeof queues]['name'];
