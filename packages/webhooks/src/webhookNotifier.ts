import { webhookEventsOf, type JobStatus } from '@atelier/contracts';
import type { JobRow } from '@atelier/db';
import { enqueueWebhookDelivery, type WebhookDeliveryQueue } from './deliveryQueue.ts';

interface WarnLogger {
  warn(details: object, message: string): void;
}

/**
 * Called once after each job transition commits: queues the deliveries the transition owes
 * (none for a job without a webhook, at no cost). The outbox rows were written by the
 * transition's own statement, so an enqueue that fails here, or a process that dies before
 * it, delays the delivery until the reconciler's sweep and loses nothing: it is logged, not thrown.
 */
export class WebhookNotifier {
  constructor(
    readonly queue: WebhookDeliveryQueue,
    private readonly log: WarnLogger,
  ) {}

  async notify(job: Pick<JobRow, 'id' | 'reservationRound' | 'webhookUrl' | 'webhookEvents'>, status: JobStatus): Promise<void> {
    if (!job.webhookUrl || !job.webhookEvents) return;
    const events = webhookEventsOf(status, job.webhookEvents);
    try {
      await Promise.all(events.map((event) => enqueueWebhookDelivery(this.queue, { jobId: job.id, reservationRound: job.reservationRound, event })));
    } catch (error) {
      this.log.warn({ err: error, job_id: job.id, events }, 'could not queue webhook deliveries; the reconciler will');
    }
  }
}
