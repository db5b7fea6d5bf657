import { Queue, type ConnectionOptions } from 'bullmq';
import { queues } from '@atelier/contracts';
import type { z } from 'zod';

export type DeadLetter = z.infer<typeof queues.deadLetter.payload>;
export type DeadLetterQueue = Queue<DeadLetter>;

export interface DeadLetterEntry extends DeadLetter {
  /** When the job was dead-lettered. */
  deadAt: Date;
}

/**
 * Jobs whose last attempt failed, kept with their error and attempts until an operator
 * retries them (`atelier dlq retry`, `POST /api/admin/dlq/:id/retry`). Nothing consumes this
 * queue: its entries wait. The entry's id is the job's id, so a job is dead-lettered once per
 * reservation round (a retry removes the entry).
 */
export function createDeadLetterQueue(connection: ConnectionOptions, prefix: string): DeadLetterQueue {
  return new Queue<DeadLetter>(queues.deadLetter.name, { connection, prefix });
}

export async function addDeadLetter(queue: DeadLetterQueue, entry: DeadLetter): Promise<void> {
  await queue.add(queues.deadLetter.jobName, queues.deadLetter.payload.parse(entry), { jobId: entry.jobId });
}

/** Oldest first; `start` and `count` page through them. */
export async function listDeadLetters(queue: DeadLetterQueue, start: number, count: number): Promise<{ total: number; items: DeadLetterEntry[] }> {
  const [total, jobs] = await Promise.all([queue.getWaitingCount(), queue.getWaiting(start, start + count - 1)]);
  const items = jobs
    .filter((job) => job !== undefined)
    .map((job) => ({ ...queues.deadLetter.payload.parse(job.data), deadAt: new Date(job.timestamp) }))
    .sort((a, b) => a.deadAt.getTime() - b.deadAt.getTime());
  return { total, items };
}

export async function removeDeadLetter(queue: DeadLetterQueue, jobId: string): Promise<void> {
  await queue.remove(jobId);
}
