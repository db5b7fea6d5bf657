import { Queue, type ConnectionOptions } from 'bullmq';
import { queues, type GenerationPayload } from '@atelier/contracts';

export type GenerationQueue = Queue<GenerationPayload>;

export function createGenerationQueue(connection: ConnectionOptions, prefix: string): GenerationQueue {
  return new Queue<GenerationPayload>(queues.generation.name, { connection, prefix });
}

/**
 * Add the job under the row's id, so adding twice is a no-op. Every job carries an explicit
 * priority: BullMQ would run one without a priority ahead of all prioritized jobs.
 */
export async function enqueueGeneration(queue: GenerationQueue, payload: GenerationPayload, priority: number): Promise<void> {
  queues.generation.payload.parse(payload);
  await queue.add(queues.generation.jobName, payload, {
    jobId: payload.jobId,
    priority,
    attempts: queues.generation.attempts,
    backoff: { type: 'exponential', delay: queues.generation.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    // Failed jobs are moved to the dead-letter queue by the worker; the failed set is kept for a week.
    removeOnFail: { age: 7 * 24 * 3_600 },
  });
}
