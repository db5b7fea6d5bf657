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

/** `deadAt` is for an entry put back after Redis lost it: when the job failed, not now. */
export async function addDeadLetter(queue: DeadLetterQueue, entry: DeadLetter, deadAt?: Date): Promise<void> {
  await queue.add(queues.deadLetter.jobName, queues.deadLetter.payload.parse(entry), { jobId: entry.jobId, timestamp: deadAt?.getTime() });
}

/**
 * A key beside the queue's own, set once the queue is known to hold every failed job. Redis
 * losing its data loses it too, and its absence is how a reconciler knows to rebuild.
 */
const COMPLETE_MARKER = 'holds-every-failed-job';

export async function deadLettersNeedRebuild(queue: DeadLetterQueue): Promise<boolean> {
  const client = await queue.client;
  return (await client.get(queue.toKey(COMPLETE_MARKER))) === null;
}

export async function markDeadLettersComplete(queue: DeadLetterQueue): Promise<void> {
  const client = await queue.client;
  await client.set(queue.toKey(COMPLETE_MARKER), new Date().toISOString());
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
