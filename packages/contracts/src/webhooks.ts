import { z } from 'zod';
import type { JobStatus } from './jobs.ts';

/** What a submit may ask its webhook to be told about (Replicate's names). */
export const webhookEventNames = ['start', 'output', 'completed'] as const;
export const WebhookEvent = z.enum(webhookEventNames);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** The submit body's webhook fields; the URL's scheme and address are checked against the operator's policy later. */
export const webhookFields = {
  webhook: z
    .string({ error: 'webhook must be a string' })
    .max(WEBHOOK_URL_MAX_LENGTH, `webhook must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
    .optional(),
  webhookEvents: z
    .array(WebhookEvent, { error: `webhookEvents must be a list of ${webhookEventNames.join(', ')}` })
    .min(1, 'webhookEvents must name at least one event')
    .optional(),
};

export const defaultWebhookEvents: readonly WebhookEvent[] = ['completed'];

/**
 * Which events a status change owes. The outbox trigger in the migration
 * `20261205040000_webhooks.sql` keeps the same table, since it writes the rows.
 */
const eventsByStatus: Record<JobStatus, readonly WebhookEvent[]> = {
  queued: [],
  running: ['start'],
  succeeded: ['output', 'completed'],
  failed: ['completed'],
  canceled: ['completed'],
};

export const webhookEventsOf = (status: JobStatus, subscribed: readonly string[]): WebhookEvent[] =>
  eventsByStatus[status].filter((event) => subscribed.includes(event));

/** The payload's `type` (Standard Webhooks: dot-separated): `job.start`, `job.output`, `job.completed`. */
export const webhookEventType = (event: WebhookEvent) => `job.${event}`;

/** The `webhook-id` of an outbox row: the same on every attempt, with no `.` (the signed content is `id.timestamp.body`). */
export const webhookIdOf = (eventId: string) => `msg_${eventId.replaceAll('-', '')}`;

/** One delivery attempt as `GET /api/jobs/{id}/webhooks` lists it. */
export const WebhookAttemptView = z.object({
  attemptedAt: z.string(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export const WebhookEventView = z.object({
  /** The `webhook-id` header of every attempt. */
  webhookId: z.string(),
  event: WebhookEvent,
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: z.string(),
  attempts: z.array(WebhookAttemptView),
});
export type WebhookEventView = z.infer<typeof WebhookEventView>;
