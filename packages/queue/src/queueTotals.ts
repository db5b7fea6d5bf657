import { queuePriorities } from './planOfPriority.ts';
import type { GenerationQueues } from './generationQueue.ts';

export const queueStates = ['waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed'] as const;
export type QueueState = (typeof queueStates)[number];

export interface ModelQueueTotals {
  counts: Record<QueueState, number>;
  perPriority: Record<string, number>;
  paused: boolean;
}

async function readOne(queues: GenerationQueues, model: string): Promise<ModelQueueTotals> {
  const queue = queues.of(model);
  const [counts, perPriority, paused] = await Promise.all([queue.getJobCounts(...queueStates), queue.getCountsPerPriority(queuePriorities), queue.isPaused()]);
  return {
    counts: Object.fromEntries(queueStates.map((state) => [state, counts[state] ?? 0])) as Record<QueueState, number>,
    perPriority: Object.fromEntries(queuePriorities.map((p) => [String(p), perPriority[String(p)] ?? 0])),
    paused,
  };
}

/**
 * Counts of each model's queue, and their sums: what the admin API and the metrics show.
 * `paused` of the total is true while any model's queue is paused.
 */
export async function readQueueTotals(
  queues: GenerationQueues,
  models: readonly string[],
): Promise<{ total: ModelQueueTotals; byModel: Record<string, ModelQueueTotals> }> {
  const each = await Promise.all(models.map((model) => readOne(queues, model)));
  const total: ModelQueueTotals = {
    counts: Object.fromEntries(queueStates.map((state) => [state, each.reduce((sum, t) => sum + t.counts[state], 0)])) as Record<QueueState, number>,
    perPriority: Object.fromEntries(queuePriorities.map((p) => [String(p), each.reduce((sum, t) => sum + (t.perPriority[String(p)] ?? 0), 0)])),
    paused: each.some((t) => t.paused),
  };
  return { total, byModel: Object.fromEntries(models.map((model, index) => [model, each[index]!])) };
}
