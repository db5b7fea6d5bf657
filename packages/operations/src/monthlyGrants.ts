import { grantMonthlyCredits, listUsersDueMonthlyGrant, type Pool } from '@atelier/db';

const PAGE_SIZE = 500;

/**
 * Every user still owed their plan's monthly credits for `period` (YYYY-MM) gets them, a page
 * at a time. Each grant's key is per user, period and plan, so any number of runs, even at
 * once (the CLI from cron beside the workers' schedule), grant each user once. `granted`
 * counts only the grants this run made.
 */
export async function grantDueMonthlyCredits(pool: Pool, period: string): Promise<{ period: string; granted: number }> {
  let granted = 0;
  let afterId: string | null = null;
  for (;;) {
    const due = await listUsersDueMonthlyGrant(pool, period, afterId, PAGE_SIZE);
    for (const user of due) if (await grantMonthlyCredits(pool, user.id, user.plan, period)) granted++;
    if (due.length < PAGE_SIZE) return { period, granted };
    afterId = due.at(-1)!.id;
  }
}
