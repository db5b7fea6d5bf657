import { AppError, webhookEventType, webhookIdOf, type WebhookDeliveryPayload } from '@atelier/contracts';
import {
  ensureWebhookSecret,
  findWebhookDelivery,
  fixWebhookBody,
  jobView,
  recordWebhookAttempt,
  type Pool,
  type WebhookAttempt,
  type WebhookOutcome,
} from '@atelier/db';
import { postWebhook, type WebhookAgents } from './postWebhook.ts';
import { retryDelayMs, type RetrySchedule } from './retrySchedule.ts';
import { signatureHeader } from './signature.ts';
import { newWebhookSecret } from './webhookSecret.ts';
import { parseWebhookUrl } from './webhookUrlPolicy.ts';

export interface DeliveryDeps {
  pool: Pool;
  agents: WebhookAgents;
  timeoutMs: number;
  allowPrivate: boolean;
  allowHttp: boolean;
  retry: RetrySchedule;
  /** Milliseconds since the epoch; the `webhook-timestamp` is read from it. */
  now: () => number;
}

/** What became of one attempt: the queue retries `retry` (backoff), and nothing else. */
export type DeliveryResult = 'delivered' | 'retry' | 'failed' | 'skipped';

/** 2xx delivers; a timeout, a connection that failed, 429 or 5xx are worth another try; any other answer is final. */
function verdictOf(attempt: WebhookAttempt): 'delivered' | 'retry' | 'failed' {
  const status = attempt.statusCode;
  // A refusal is the operator's policy: trying again would be refused again.
  if (status === null) return attempt.error?.startsWith('refused') ? 'failed' : 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  return status === 429 || status >= 500 ? 'retry' : 'failed';
}

/**
 * One attempt at one event: read the outbox row with its job and the account's secrets, fix
 * the body at the first attempt (every retry signs the same bytes under the same
 * `webhook-id`), sign with every secret still signing, POST, and record the attempt with where
 * the event stands. An event no longer pending (delivered, given up) is not sent again.
 */
export async function deliverWebhook(deps: DeliveryDeps, payload: WebhookDeliveryPayload, attempt: { number: number; last: boolean }): Promise<DeliveryResult> {
  const delivery = await findWebhookDelivery(deps.pool, payload.jobId, payload.reservationRound, payload.event);
  const webhookUrl = delivery?.job.webhookUrl;
  if (delivery?.status !== 'pending' || !webhookUrl) return 'skipped';
  const { job, eventId } = delivery;
  const secrets = delivery.secrets ?? (await ensureWebhookSecret(deps.pool, job.userId, newWebhookSecret()));
  const body =
    delivery.body ??
    (await fixWebhookBody(
      deps.pool,
      eventId,
      JSON.stringify({ type: webhookEventType(payload.event), timestamp: delivery.eventCreatedAt.toISOString(), data: jobView(job) }),
    ));

  const webhookId = webhookIdOf(eventId);
  const timestamp = Math.floor(deps.now() / 1000);
  const signing = secrets.previousSecret ? [secrets.secret, secrets.previousSecret] : [secrets.secret];
  const headers = {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(signing, webhookId, timestamp, body),
  };
  const url = callableUrl(webhookUrl, deps);
  const result = url instanceof URL ? await postWebhook(url, headers, body, deps) : { statusCode: null, durationMs: 0, response: null, error: url };
  const verdict = verdictOf(result);
  const outcome: WebhookOutcome =
    verdict === 'retry' && !attempt.last
      ? // The latest the queue will try again (the most jitter): past it, the reconciler takes the event as lost by Redis.
        { status: 'pending', nextAttemptAt: new Date(deps.now() + retryDelayMs(attempt.number, deps.retry, () => 1)) }
      : { status: verdict === 'delivered' ? 'delivered' : 'failed' };
  await recordWebhookAttempt(deps.pool, eventId, result, outcome);
  return outcome.status === 'pending' ? 'retry' : verdict;
}

/** Re-checked at delivery (the operator may have stopped allowing http since the submit): the URL, or why it is refused. */
function callableUrl(raw: string, deps: DeliveryDeps): URL | string {
  try {
    return parseWebhookUrl(raw, { allowHttp: deps.allowHttp, allowPrivate: deps.allowPrivate });
  } catch (error) {
    if (error instanceof AppError) return `refused: ${error.message}`;
    throw error;
  }
}
