import { parseArgs } from 'node:util';
import { z } from 'zod';
import { billingPeriod, createPool } from '@atelier/db';
import { grantDueMonthlyCredits } from '@atelier/operations';
import { databaseUrl } from '../cliConfig.ts';

const GrantArgs = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '--period must be YYYY-MM')
    .optional(),
});

/**
 * `atelier credits grant-monthly [--period YYYY-MM]`: every user still owed their plan's monthly
 * credits for the period (this month by default, in UTC) gets them. The workers run the same
 * grant on a schedule (docs/billing.md); this is for a past period or an operator in a hurry.
 * Each grant's key is per user, month and plan, so any number of runs, even at once, grant
 * each user once. Stripe-paying Pro users are left to their paid invoice.
 */
export async function runCredits(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'grant-monthly') throw new Error('usage: atelier credits grant-monthly [--period YYYY-MM]');
  const { values } = parseArgs({ args: rest, options: { period: { type: 'string' } } });
  const period = GrantArgs.parse(values).period ?? billingPeriod(new Date());
  const pool = createPool(await databaseUrl(), 1);
  try {
    process.stdout.write(`${JSON.stringify(await grantDueMonthlyCredits(pool, period))}\n`);
  } finally {
    await pool.end();
  }
}
