import type { Redis } from 'ioredis';
import { generationQueueName } from '@atelier/contracts';

/*
 * Queue positions read straight from BullMQ's keys, because BullMQ has no rank query:
 * jobs with no priority wait in the `wait` list (workers take from its right end) and are
 * served before the `prioritized` sorted set, whose score is priority × 2^32 + insertion
 * counter. Both are O(log n) or O(1) reads, pipelined per call. Positions are within the
 * job's model queue: only the jobs of that model are ahead of it.
 */
const PRIORITY_SCORE_FACTOR = 2 ** 32;
const key = (prefix: string, model: string, name: string) => `${prefix}:${generationQueueName(model)}:${name}`;

/** 1-based positions of waiting jobs in their model's queue (null for a job that is not waiting). */
export async function waitingPositions(redis: Redis, prefix: string, jobs: { id: string; model: string }[]): Promise<Map<string, number | null>> {
  const pipeline = redis.pipeline();
  for (const { id, model } of jobs)
    pipeline
      .llen(key(prefix, model, 'wait'))
      .lpos(key(prefix, model, 'wait'), id)
      .zrank(key(prefix, model, 'prioritized'), id);
  const replies = (await pipeline.exec()) ?? [];
  const positions = new Map<string, number | null>();
  jobs.forEach(({ id }, index) => {
    const waitLength = Number(replies[index * 3]?.[1] ?? 0);
    const fromLeft = replies[index * 3 + 1]?.[1] as number | null;
    const rank = replies[index * 3 + 2]?.[1] as number | null;
    if (fromLeft !== null && fromLeft !== undefined) positions.set(id, waitLength - fromLeft);
    else if (rank !== null && rank !== undefined) positions.set(id, waitLength + rank + 1);
    else positions.set(id, null);
  });
  return positions;
}

/** How many waiting jobs of a model a new job at `priority` would have ahead of it. */
export async function jobsAheadOfPriority(redis: Redis, prefix: string, model: string, priority: number): Promise<number> {
  const [[, waitLength], [, prioritized]] = (await redis
    .pipeline()
    .llen(key(prefix, model, 'wait'))
    .zcount(key(prefix, model, 'prioritized'), '-inf', (priority + 1) * PRIORITY_SCORE_FACTOR - 1)
    .exec()) as [[null, number], [null, number]];
  return waitLength + prioritized;
}
