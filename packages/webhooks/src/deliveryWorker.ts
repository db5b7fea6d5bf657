import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { queues, type WebhookDeliveryPayload } from '@atelier/contracts';
import { deliverWebhook, type DeliveryDeps } from './deliverWebhook.ts';
import { retryDelayMs } from './retrySchedule.ts';

class DeliveryAttemptFailed extends Error {
  override name = 'DeliveryAttemptFailed';
}

/**
 * The handler: parses its entry and makes one attempt. A failure worth retrying is thrown to
 * the queue (backoff from `deps.retry`); a final one as UnrecoverableError, so no attempt is
 * spent on an answer that will not change.
 */
export const webhookDeliveryHandler = (deps: DeliveryDeps) => async (job: Job<WebhookDeliveryPayload>) => {
  const attempt = job.attemptsMade + 1;
  const result = await deliverWebhook(deps, queues.webhookDelivery.payload.parse(job.data), { number: attempt, last: attempt >= (job.opts.attempts ?? 1) });
  if (result === 'retry') throw new DeliveryAttemptFailed(`attempt ${attempt} of webhook ${job.id} failed; retrying`);
  if (result === 'failed') throw new UnrecoverableError(`webhook ${job.id} given up`);
};

/** Deliveries in their own worker beside the generation worker, so a slow receiver never holds a job slot. */
export function createWebhookDeliveryWorker(
  connection: ConnectionOptions,
  prefix: string,
  concurrency: number,
  deps: DeliveryDeps,
): Worker<WebhookDeliveryPayload> {
  return new Worker<WebhookDeliveryPayload>(queues.webhookDelivery.name, webhookDeliveryHandler(deps), {
    connection,
    prefix,
    concurrency,
    settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade, deps.retry) },
  });
}
