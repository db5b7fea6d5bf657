import type { Redis } from 'ioredis';
import { queues } from '@atelier/contracts';

/*
 * Queue positions read straight from BullMQ's keys, because BullMQ has no rank query:
 * jobs with no priority wait in the `wait` list (workers take from its right end) and are
 * served before the `prioritized` sorted set, whose score is priority × 2^32 + insertion
 * counter. Both are O(log n) or O(1) reads, pipelined per call.
 */
const PRIORITY_SCORE_FACTOR = 2 ** 32;
const key = (prefix: string, name: string) => `${prefix}:${queues.generation.name}:${name}`;

/** 1-based positions of waiting jobs (null for a job that is not waiting). */
export async function waitingPositions(redis: Redis, prefix: string, jobIds: string[]): Promise<Map<string, number | null>> {
  const pipeline = redis.pipeline().llen(key(prefix, 'wait'));
  for (const id of jobIds) pipeline.lpos(key(prefix, 'wait'), id).zrank(key(prefix, 'prioritized'), id);
  const replies = (await pipeline.exec()) ?? [];
  const waitLength = Number(replies[0]?.[1] ?? 0);
  const positions = new Map<string, number | null>();
  jobIds.forEach((id, index) => {
    const fromLeft = replies[1 + index * 2]?.[1] as number | null;
    const rank = replies[2 + index * 2]?.[1] as number | null;
    if (fromLeft !== null && fromLeft !== undefined) positions.set(id, waitLength - fromLeft);
    else if (rank !== null && rank !== undefined) positions.set(id, waitLength + rank + 1);
    else positions.set(id, null);
  });
  return positions;
}

/** How many waiting jobs a new job at `priority` would have ahead of it. */
export async function jobsAheadOfPriority(redis: Redis, prefix: string, priority: number): Promise<number> {
  const [[, waitLength], [, prioritized]] = (await redis
    .pipeline()
    .llen(key(prefix, 'wait'))
    .zcount(key(prefix, 'prioritized'), '-inf', (priority + 1) * PRIORITY_SCORE_FACTOR - 1)
    .exec()) as [[null, number], [null, number]];
  return waitLength + prioritized;
}
