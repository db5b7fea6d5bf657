import { parseArgs } from 'node:util';
import { z } from 'zod';
import { billingPeriod, createPool, grantMonthlyCredits, listUsersDueMonthlyGrant } from '@atelier/db';
import { databaseUrl } from '../cliConfig.ts';

const PAGE_SIZE = 500;

const GrantArgs = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '--period must be YYYY-MM')
    .optional(),
});

/**
 * `atelier credits grant-monthly [--period YYYY-MM]`: every user still owed their plan's monthly
 * credits for the period (this month by default, in UTC) gets them. Meant for a daily cron:
 * each grant's key is per user, month and plan, so any number of runs, even at once, grant
 * each user once. Stripe-paying Pro users are left to their paid invoice.
 */
export async function runCredits(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'grant-monthly') throw new Error('usage: atelier credits grant-monthly [--period YYYY-MM]');
  const { values } = parseArgs({ args: rest, options: { period: { type: 'string' } } });
  const period = GrantArgs.parse(values).period ?? billingPeriod(new Date());
  const pool = createPool(await databaseUrl(), 1);
  try {
    let granted = 0;
    let afterId: string | null = null;
    for (;;) {
      const due = await listUsersDueMonthlyGrant(pool, period, afterId, PAGE_SIZE);
      for (const user of due) if (await grantMonthlyCredits(pool, user.id, user.plan, period)) granted++;
      if (due.length < PAGE_SIZE) break;
      afterId = due.at(-1)!.id;
    }
    process.stdout.write(`${JSON.stringify({ period, granted })}\n`);
  } finally {
    await pool.end();
  }
}
