import { listOverdueWebhookEvents, type Pool } from '@atelier/db';
import { enqueueWebhookDelivery, type WebhookDeliveryQueue } from './deliveryQueue.ts';

const PAGE_SIZE = 500;

/**
 * The reconciler's share of webhooks: events still pending past the time they should have
 * been tried (the process died between the transition and the enqueue, or Redis lost the
 * entry) are queued again. Adding an entry that still waits is a no-op, so any number of
 * sweeps may run at once. Returns how many were queued.
 */
export async function sweepWebhookEvents(pool: Pool, queue: WebhookDeliveryQueue, minAgeMs: number): Promise<number> {
  const overdue = await listOverdueWebhookEvents(pool, minAgeMs, PAGE_SIZE);
  await Promise.all(overdue.map((event) => enqueueWebhookDelivery(queue, event)));
  return overdue.length;
}
