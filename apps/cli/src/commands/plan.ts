import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Plan } from '@atelier/contracts';
import { catalogConfig, loadConfigOrExit, redisConfig } from '@atelier/config';
import { billingPeriod, createPool, findUserByEmail, grantMonthlyCredits, inTransaction } from '@atelier/db';
import { createRedis, GenerationQueues } from '@atelier/queue';
import { changePlan } from '@atelier/operations';
import { databaseUrl } from '../cliConfig.ts';

const PlanArgs = z.object({
  email: z.string().email('--email must be an email address'),
  plan: Plan,
});

/** The queue's address; `atelier up` runs its embedded Redis on 6390, which an operator must name. */
const QueueEnv = z.object({
  REDIS_URL: redisConfig.REDIS_URL.optional(),
  QUEUE_PREFIX: redisConfig.QUEUE_PREFIX,
  ...catalogConfig,
});

/**
 * `atelier users plan --email E --plan pro|free`: what the Stripe webhook does, for a server
 * that takes no payments. The plan changes, the user's waiting jobs move to its priority, and
 * a move to Pro grants this month's Pro credits under the key a paid invoice's grant uses, so
 * a month's Pro credits are never given twice, however often this runs.
 */
export async function runUsersPlan(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, plan: { type: 'string' } } });
  const input = PlanArgs.parse(values);
  const env = loadConfigOrExit(QueueEnv);
  if (!env.REDIS_URL) throw new Error('set REDIS_URL to the queue the API uses (with `atelier up`: redis://127.0.0.1:6390)');
  const pool = createPool(await databaseUrl(), 1);
  const redis = createRedis(env.REDIS_URL, 'producer', (error) => process.stderr.write(`redis: ${error.message}\n`));
  const queues = new GenerationQueues(redis, env.QUEUE_PREFIX);
  try {
    const user = await findUserByEmail(pool, input.email);
    if (!user) throw new Error(`no user has the email ${input.email}`);
    const result = await inTransaction(pool, async (client) => {
      const change = await changePlan(queues, client, user.id, input.plan);
      const granted = input.plan === 'pro' && (await grantMonthlyCredits(client, user.id, 'pro', billingPeriod(new Date())));
      return { planChanged: change?.planChanged ?? false, movedJobs: change?.movedJobs.length ?? 0, granted };
    });
    process.stdout.write(`${JSON.stringify({ id: user.id, email: user.email, plan: input.plan, ...result })}\n`);
  } finally {
    await queues.close();
    redis.disconnect();
    await pool.end();
  }
}
