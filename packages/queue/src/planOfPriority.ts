import { plans, queues, type Plan } from '@atelier/contracts';

/** What a queue priority stands for, as a metric label: a plan, or `promoted` (aging; see queues.generation). */
export type PriorityLabel = Plan | 'promoted' | 'other';

export function planOfPriority(priority: number | undefined): PriorityLabel {
  if (priority === queues.generation.promotedPriority || priority === undefined) return 'promoted';
  for (const [plan, { queuePriority }] of Object.entries(plans)) if (queuePriority === priority) return plan as Plan;
  return 'other';
}

/** Every priority a generation job is given: one per plan, and the promoted one. */
export const queuePriorities: number[] = [...new Set([...Object.values(plans).map((plan) => plan.queuePriority), queues.generation.promotedPriority])];
