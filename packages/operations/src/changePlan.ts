import type { Plan } from '@atelier/contracts';
import { setUserPlan, type PlanChange, type Queryable } from '@atelier/db';
import type { GenerationQueues } from '@atelier/queue';

/**
 * The one way a plan changes, for the Stripe webhook and `atelier users plan` alike: the plan
 * and the priority of the user's queued rows are written in the caller's transaction, and their
 * BullMQ entries are moved before the caller commits. A Redis failure therefore rolls the plan
 * back and the caller (Stripe's redelivery, the operator) tries again; moving a job to the
 * priority it already has is harmless, so the retry is safe. A commit that fails after the
 * move leaves jobs ahead of their row's priority until that retry: the kinder of the two errors.
 */
export async function changePlan(queues: GenerationQueues, db: Queryable, userId: string, plan: Plan): Promise<PlanChange | null> {
  const change = await setUserPlan(db, userId, plan);
  if (!change) return null;
  for (const moved of change.movedJobs) {
    const job = await queues.of(moved.model).getJob(moved.id);
    // A queued row with no queue entry is the reconciler's to add again, with the row's new priority.
    if (job) await job.changePriority({ priority: change.priority });
  }
  return change;
}
