import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
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
  await queue.add(queues.generation.jobName, queues.generation.payload.parse(payload), jobOptions(payload, priority));
}

/** Many at once, in one round trip, in the order given (BullMQ serves equal priorities in the order added). */
export async function enqueueGenerations(queue: GenerationQueue, jobs: { payload: GenerationPayload; priority: number }[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(
    jobs.map(({ payload, priority }) => ({
      name: queues.generation.jobName,
      data: queues.generation.payload.parse(payload),
      opts: jobOptions(payload, priority),
    })),
  );
}

function jobOptions(payload: GenerationPayload, priority: number) {
  return {
    jobId: payload.jobId,
    priority,
    attempts: queues.generation.attempts,
    backoff: { type: 'exponential' as const, delay: queues.generation.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    // Failed jobs are moved to the dead-letter queue by the worker; the failed set is kept for a week.
    removeOnFail: { age: 7 * 24 * 3_600 },
  };
}

/** Which of these job ids the queue holds no entry for, in any state: one round trip for all. */
export async function idsUnknownToQueue(queue: GenerationQueue, jobIds: string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  // BullMQ types its client narrowly; it is the ioredis connection the queue was made with.
  const client = (await queue.client) as unknown as Redis;
  const pipeline = client.pipeline();
  for (const id of jobIds) pipeline.exists(queue.toKey(id));
  const replies = (await pipeline.exec()) ?? [];
  return new Set(jobIds.filter((_, index) => replies[index]?.[1] === 0));
}
