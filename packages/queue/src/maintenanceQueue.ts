import { Queue, type ConnectionOptions } from 'bullmq';
import { queues } from '@atelier/contracts';

export type MaintenanceQueue = Queue<Record<string, never>>;

export function createMaintenanceQueue(connection: ConnectionOptions, prefix: string): MaintenanceQueue {
  return new Queue(queues.maintenance.name, { connection, prefix });
}

/**
 * The monthly grant runs every `everyMs`. Every worker calls this at start: the scheduler is
 * upserted by id, so there is one whatever their number, and the last start sets the interval.
 * Finished runs are not kept beyond a few; a failed one stays for an operator to read.
 */
export async function scheduleMonthlyGrants(queue: MaintenanceQueue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    queues.maintenance.schedulerId,
    { every: everyMs },
    { name: queues.maintenance.jobName, data: {}, opts: { removeOnComplete: 10, removeOnFail: 50 } },
  );
}
