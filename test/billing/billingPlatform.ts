import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { postJson } from '../support/api.ts';
import { expectBalancedLedgers } from './stripeEvents.ts';

export interface BillingPlatform {
  platform: TestPlatform;
  /** Every user a scenario touches; after each scenario their balances must equal their ledgers. */
  users: Set<string>;
  newUser(options?: { plan?: 'free' | 'pro'; credits?: number }): Promise<TestUser>;
  account(userId: string): Promise<{ plan: string; credits: number; ledgerRows: number }>;
  submitJobs(user: TestUser, count: number): Promise<string[]>;
  /** The distinct priorities of these jobs in BullMQ and in their rows. */
  priorities(jobIds: string[]): Promise<{ inQueue: number[]; inRows: number[] }>;
}

/** A platform for one test file (no worker, so submitted jobs wait), with the ledger check after every scenario. */
export function useBillingPlatform(env: () => NodeJS.ProcessEnv): BillingPlatform {
  const context: BillingPlatform = {
    platform: undefined as unknown as TestPlatform,
    users: new Set(),
    async newUser(options = {}) {
      const user = await context.platform.createUser({ plan: options.plan ?? 'free', credits: options.credits ?? 100 });
      context.users.add(user.user.id);
      return user;
    },
    async account(userId) {
      const { rows } = await context.platform.pool.query<{ plan: string; credits: number; ledgerRows: number }>(
        `SELECT plan, credits, (SELECT count(*)::int FROM credit_transactions WHERE user_id = $1) AS "ledgerRows" FROM users WHERE id = $1`,
        [userId],
      );
      return rows[0]!;
    },
    async submitJobs(user, count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const answer = await postJson<{ job: { id: string } }>(context.platform, user, '/api/generate/image', {
          prompt: `a waiting job ${i}`,
          params: { width: 64, height: 64 },
        });
        expect(answer.status).toBe(202);
        ids.push(answer.body.job.id);
      }
      return ids;
    },
    async priorities(jobIds) {
      const queue = context.platform.queueOf();
      const inQueue = await Promise.all(jobIds.map(async (id) => (await queue.getJob(id))!.priority));
      const { rows } = await context.platform.pool.query<{ priority: number }>('SELECT priority FROM generation_jobs WHERE id = ANY($1)', [jobIds]);
      return { inQueue: [...new Set(inQueue)], inRows: [...new Set(rows.map((r) => r.priority))] };
    },
  };
  beforeAll(async () => {
    context.platform = await TestPlatform.start(env());
  });
  afterAll(async () => context.platform?.stop());
  afterEach(async () => expectBalancedLedgers(context.platform.pool, context.users));
  return context;
}
