import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plans } from '@atelier/contracts';
import { billingPeriod, ledgerBalance } from '@atelier/db';
import { createMaintenanceQueue, type MaintenanceQueue } from '@atelier/queue';
import { TestPlatform } from '../support/platform.ts';
import { waitFor } from '../reliability/support/jobs.ts';

/**
 * The monthly grant runs inside the platform: two workers each upsert the one scheduler and
 * consume its queue; every run is one job one worker does, and every due user is granted once.
 */
let platform: TestPlatform;
let maintenance: MaintenanceQueue;

beforeAll(async () => {
  platform = await TestPlatform.start();
  maintenance = createMaintenanceQueue(platform.redis, platform.env.QUEUE_PREFIX!);
});
afterAll(async () => {
  await maintenance?.close();
  await platform?.stop();
});

const start = plans.free.startingCredits;

describe('the scheduled monthly grant', () => {
  it('grants every due user exactly once, however many workers and runs', async () => {
    const due = await Promise.all(Array.from({ length: 5 }, () => platform.createUser({ plan: 'free', credits: start })));
    // Made before the month began: owed this month's grant (a newcomer's starting credits cover their first).
    await platform.pool.query(`UPDATE users SET created_at = '2000-01-01' WHERE id = ANY($1)`, [due.map((u) => u.user.id)]);
    const newcomer = await platform.createUser({ plan: 'free', credits: start });

    const workerEnv = { MONTHLY_GRANT_INTERVAL_MS: '200', WORKER_MODELS: platform.defaultModel('image') };
    await Promise.all([platform.startWorker(workerEnv), platform.startWorker(workerEnv)]);
    // Several runs, so that a second grant would have had its chance.
    await waitFor('six scheduled runs', async () => (await maintenance.getJobCountByTypes('completed')) >= 6, 20_000);

    expect(await maintenance.getJobSchedulersCount()).toBe(1);
    expect(await maintenance.getJobCountByTypes('failed')).toBe(0);
    const { rows } = await platform.pool.query<{ user_id: string; idempotency_key: string; created_at: Date }>(
      `SELECT user_id, idempotency_key, created_at FROM credit_transactions WHERE kind = 'grant' AND idempotency_key LIKE 'grant:%'`,
    );
    expect(rows.map((row) => row.user_id).sort()).toEqual(due.map((u) => u.user.id).sort());
    for (const row of rows) expect(row.idempotency_key).toBe(`grant:${row.user_id}:${billingPeriod(row.created_at)}:free`);
    for (const { user } of due)
      expect(await ledgerBalance(platform.pool, user.id)).toEqual({ balance: start + plans.free.monthlyCredits, ledgerSum: start + plans.free.monthlyCredits });
    expect(await ledgerBalance(platform.pool, newcomer.user.id)).toEqual({ balance: start, ledgerSum: start });
  }, 40_000);
});
