import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { catalogConfig, loadConfigOrExit, redisConfig } from '@atelier/config';
import { createPool } from '@atelier/db';
import { createDeadLetterQueue, createRedis, GenerationQueues } from '@atelier/queue';
import { listDeadLetterJobs, retryAllDeadLetters, retryDeadLetter } from '@atelier/operations';
import { databaseUrl } from '../cliConfig.ts';

const usage = 'usage: atelier dlq list [--start N] [--limit N] | atelier dlq retry <job id> | atelier dlq retry --all';

const QueueEnv = z.object({
  REDIS_URL: redisConfig.REDIS_URL.optional(),
  QUEUE_PREFIX: redisConfig.QUEUE_PREFIX,
  ...catalogConfig,
});

const ListArgs = z.object({
  start: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** The producer connection queues nothing while offline: wait for it, but not forever. */
function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * `atelier dlq list` prints the dead-letter queue (oldest first, each job with its error, its
 * row and every attempt's worker) as JSON; `atelier dlq retry <id>` puts one failed job back
 * with a fresh reservation, `--all` every job in the dead-letter queue. Any failed job can be
 * retried by id, even one whose dead letter was lost with Redis: the row is the truth.
 */
export async function runDlq(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'retry') throw new Error(usage);
  const env = loadConfigOrExit(QueueEnv);
  if (!env.REDIS_URL) throw new Error('set REDIS_URL to the queue the workers use (with `atelier up`: redis://127.0.0.1:6390)');
  const pool = createPool(await databaseUrl(), 2);
  const redis = createRedis(env.REDIS_URL, 'producer', (error) => process.stderr.write(`redis: ${error.message}\n`));
  const deps = { pool, redis, queues: new GenerationQueues(redis, env.QUEUE_PREFIX), deadLetters: createDeadLetterQueue(redis, env.QUEUE_PREFIX) };
  try {
    await connected(redis);
    if (sub === 'list') {
      const { values } = parseArgs({ args: rest, options: { start: { type: 'string' }, limit: { type: 'string' } } });
      const { start, limit } = ListArgs.parse(values);
      process.stdout.write(`${JSON.stringify(await listDeadLetterJobs(deps, start, limit), null, 2)}\n`);
      return;
    }
    const { values, positionals } = parseArgs({ args: rest, options: { all: { type: 'boolean' } }, allowPositionals: true });
    if (values.all && positionals.length === 0) {
      const result = await retryAllDeadLetters(deps);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const [jobId] = positionals;
    if (values.all || positionals.length !== 1 || !z.string().uuid().safeParse(jobId).success) throw new Error(usage);
    const job = await retryDeadLetter(deps, jobId!);
    process.stdout.write(`${JSON.stringify({ retried: job.id, status: job.status, reservationRound: job.reservationRound })}\n`);
  } finally {
    await Promise.all([deps.queues.close(), deps.deadLetters.close()]);
    redis.disconnect();
    await pool.end();
  }
}
