import { Queue, type ConnectionOptions } from 'bullmq';
import { queues, type WebhookDeliveryPayload } from '@atelier/contracts';

export type WebhookDeliveryQueue = Queue<WebhookDeliveryPayload>;

export const createWebhookDeliveryQueue = (connection: ConnectionOptions, prefix: string): WebhookDeliveryQueue =>
  new Queue<WebhookDeliveryPayload>(queues.webhookDelivery.name, { connection, prefix });

/** One entry per event: adding it again while it waits or runs is a no-op. */
export const deliveryJobId = (payload: WebhookDeliveryPayload) => `${payload.jobId}-r${payload.reservationRound}-${payload.event}`;

/**
 * Gone once finished, so the outbox row (not Redis) says what was delivered; an entry added
 * again later finds its row no longer pending and sends nothing.
 */
export async function enqueueWebhookDelivery(queue: WebhookDeliveryQueue, payload: WebhookDeliveryPayload): Promise<void> {
  const policy = queues.webhookDelivery;
  await queue.add(policy.jobName, policy.payload.parse(payload), {
    jobId: deliveryJobId(payload),
    attempts: policy.attempts,
    backoff: { type: 'webhook' },
    removeOnComplete: true,
    removeOnFail: true,
  });
}
