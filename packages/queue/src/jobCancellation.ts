import type { Redis } from 'ioredis';

/** One channel for all cancels: the worker running the job aborts its engine; others ignore it. */
const CANCEL_CHANNEL = 'atelier:job-cancel';

export async function publishCancel(redis: Redis, jobId: string): Promise<void> {
  await redis.publish(CANCEL_CHANNEL, jobId);
}

export async function onCancel(subscriber: Redis, handler: (jobId: string) => void): Promise<void> {
  subscriber.on('message', (channel: string, jobId: string) => {
    if (channel === CANCEL_CHANNEL) handler(jobId);
  });
  await subscriber.subscribe(CANCEL_CHANNEL);
}
