import { z } from 'zod';

export const Plan = z.enum(['free', 'pro']);
export type Plan = z.infer<typeof Plan>;

/**
 * What each plan buys. `maxActiveJobs` counts a user's jobs waiting or running at once.
 * BullMQ serves lower priority numbers first; a job with no priority
 * would jump ahead of every prioritized job, so every job gets one of these.
 */
export const plans = {
  free: { label: 'Free', priceUsdMonthly: 0, startingCredits: 100, monthlyCredits: 100, maxActiveJobs: 20, queuePriority: 10 },
  pro: { label: 'Pro', priceUsdMonthly: 49.99, startingCredits: 0, monthlyCredits: 2000, maxActiveJobs: 100, queuePriority: 1 },
} as const satisfies Record<
  Plan,
  { label: string; priceUsdMonthly: number; startingCredits: number; monthlyCredits: number; maxActiveJobs: number; queuePriority: number }
>;
