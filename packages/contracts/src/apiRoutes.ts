import { z } from 'zod';
import type { ErrorCode } from './errors.ts';
import { GenerateBody, ImageParams, JobKind, VideoParams, VoiceParams } from './jobs.ts';
import { type ApiKeyScope, CreateApiKeyBody, UpdateApiKeyBody } from './apiKeys.ts';
import { AssetQuery, CreditsQuery, DeadLetterQuery, PageQuery, VaryBody, WorkerConcurrencyBody } from './apiRequests.ts';
import * as answers from './apiAnswers.ts';
import { JobStreamEvent } from './events.ts';
import { ModelView } from './models/modelView.ts';
import { uploadLimits } from './uploads.ts';

/**
 * Who may call a route: nobody in particular, a signed-in user (session cookie or API key),
 * an admin (ADMIN_EMAILS), the holder of a signed URL, or Stripe (a signed webhook).
 */
export type RouteAuth = 'public' | 'user' | 'admin' | 'signedUrl' | 'stripe';

export interface RouteAnswer {
  description: string;
  /** JSON unless `contentType` says otherwise; none for a redirect or an empty answer. */
  body?: z.ZodType;
  contentType?: string;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI's spelling: `/api/jobs/{id}`. */
  path: string;
  /** The path parameter that takes the rest of the path, `/` and all (Fastify's `*`): `key` of `/files/{key}`. */
  restOfPath?: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  /** The scope an API key needs (a session may do everything its user may). */
  scope?: ApiKeyScope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** The body's media type when it is not JSON. */
  bodyContentType?: 'multipart/form-data';
  answers: Record<number, RouteAnswer>;
  /** A browser lands here: with `Accept: text/html` first, a refusal is an HTML page rather than the JSON error. */
  errorPages?: boolean;
  /** Codes this route answers besides the ones every route of its kind may (see `commonErrors`). */
  errors?: ErrorCode[];
}

const JobId = z.object({ id: z.string().uuid() });

/** Fastify's spelling of a route's path: `/api/jobs/:id`, `/files/*`. */
export const fastifyPath = (route: ApiRoute) => (route.restOfPath ? route.path.replace(`{${route.restOfPath}}`, '*') : route.path).replace(/\{(\w+)\}/g, ':$1');
const redirect = (what: string): RouteAnswer => ({ description: `A redirect to a short-lived signed URL of ${what}.` });
const noContent: RouteAnswer = { description: 'Done; no body.' };
const json = (description: string, body: z.ZodType): RouteAnswer => ({ description, body });

/** Each kind's params, as one documented body (the API checks them per kind from the path). */
export const SubmitBody = GenerateBody.extend({
  params: z.union([ImageParams, VideoParams, VoiceParams]).optional().describe('The params of the kind in the path: ImageParams, VideoParams or VoiceParams.'),
});

const SubmitHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().describe('Replays of the same key and body get the first answer again.'),
  prefer: z
    .string()
    .optional()
    .describe(
      '`wait=N` (1 to 60): hold the answer until the job is finished or N seconds pass. 201 with the finished job, else 202; `Preference-Applied` says so.',
    ),
});

/** Documented only: the API reads the one file part itself, within `uploadLimits`. */
const UploadBody = z.object({
  file: z.file().describe(`The picture: PNG, JPEG or WebP, at most ${uploadLimits.maxBytes / 1024 / 1024} MB and ${uploadLimits.maxSide} px a side.`),
});

const StreamHeaders = z.object({ 'last-event-id': z.string().optional().describe('Resume after this event id: nothing missed, nothing twice.') });

/** Every route the API serves. A test fails when the server registers one that is not here. */
export const apiRoutes: ApiRoute[] = [
  { method: 'GET', path: '/healthz', summary: 'The process is up', tag: 'health', auth: 'public', answers: { 200: json('Up.', answers.HealthAnswer) } },
  {
    method: 'GET',
    path: '/readyz',
    summary: 'PostgreSQL and Redis answer: this instance can take traffic',
    tag: 'health',
    auth: 'public',
    answers: { 200: json('Ready.', answers.ReadyAnswer) },
    errors: ['database_unavailable', 'queue_unavailable'],
  },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (keep it off the public load balancer)',
    tag: 'health',
    auth: 'public',
    answers: { 200: { description: 'Prometheus text format.', contentType: 'text/plain' } },
  },
  {
    method: 'POST',
    path: '/api/generate/{kind}',
    summary: 'Submit a job',
    tag: 'jobs',
    auth: 'user',
    scope: 'generate',
    params: z.object({ kind: JobKind }),
    headers: SubmitHeaders,
    body: SubmitBody,
    answers: {
      201: json('With `Prefer: wait`: the job finished in time.', answers.SubmitAnswer),
      202: json('Accepted: the job is queued (or, with `Prefer: wait`, still running when the wait ended).', answers.SubmitAnswer),
    },
    errors: [
      'unknown_kind',
      'unknown_model',
      'model_kind_mismatch',
      'webhook_url_invalid',
      'webhook_url_refused',
      'input_not_accepted',
      'input_required',
      'input_not_image',
      'output_too_large',
      'asset_not_found',
      'insufficient_credits',
      'key_spend_cap_reached',
      'too_many_active_jobs',
      'idempotency_key_reused',
      'prefer_wait_invalid',
      'body_too_large',
      'unsupported_media_type',
      'invalid_json',
      'queue_unavailable',
    ],
  },
  {
    method: 'GET',
    path: '/api/generate/{id}/stream',
    summary: "A job's events as Server-Sent Events",
    tag: 'jobs',
    auth: 'user',
    scope: 'read',
    params: JobId,
    headers: StreamHeaders,
    answers: {
      200: {
        description:
          'One SSE event per job event: `event:` is its `type`, `data:` its JSON, `id:` its stream id. A fresh stream starts with `snapshot`; the response ends after the terminal `status`.',
        contentType: 'text/event-stream',
        body: JobStreamEvent,
      },
    },
    errors: ['job_not_found'],
  },
  {
    method: 'GET',
    path: '/api/jobs',
    summary: "The caller's jobs, newest first",
    tag: 'jobs',
    auth: 'user',
    scope: 'read',
    query: PageQuery,
    answers: { 200: json('A page of jobs.', answers.JobPage) },
  },
  {
    method: 'GET',
    path: '/api/jobs/{id}',
    summary: 'One job',
    tag: 'jobs',
    auth: 'user',
    scope: 'read',
    params: JobId,
    answers: { 200: json('The job.', answers.JobAnswer) },
    errors: ['job_not_found'],
  },
  {
    method: 'DELETE',
    path: '/api/jobs/{id}',
    summary: 'Cancel a job (its reservation is refunded)',
    tag: 'jobs',
    auth: 'user',
    scope: 'generate',
    params: JobId,
    answers: { 200: json('The canceled job.', answers.JobAnswer) },
    errors: ['job_not_found', 'job_not_cancelable'],
  },
  ...(['output', 'preview', 'poster'] as const).map(
    (file): ApiRoute => ({
      method: 'GET',
      path: `/api/jobs/{id}/${file}`,
      summary: `The job's ${file}`,
      tag: 'jobs',
      auth: 'user',
      scope: 'read',
      params: JobId,
      answers: { 302: redirect(`the ${file}`) },
      errors: ['job_not_found', 'not_found'],
    }),
  ),
  {
    method: 'GET',
    path: '/api/jobs/{id}/webhooks',
    summary: "What the job's webhook was sent: each event and its delivery attempts",
    tag: 'webhooks',
    auth: 'user',
    scope: 'read',
    params: JobId,
    answers: { 200: json('The events, oldest first.', answers.WebhookEventList) },
    errors: ['job_not_found'],
  },
  {
    method: 'GET',
    path: '/api/webhooks/secret',
    summary: "The account's webhook signing secret (made on first use)",
    tag: 'webhooks',
    auth: 'user',
    answers: { 200: json('The secret.', answers.WebhookSecretAnswer) },
  },
  {
    method: 'POST',
    path: '/api/webhooks/secret/rotate',
    summary: 'A new signing secret; the old one keeps signing for a while',
    tag: 'webhooks',
    auth: 'user',
    answers: { 200: json('The new secret, and until when the old one signs too.', answers.RotatedWebhookSecretAnswer) },
  },
  {
    method: 'GET',
    path: '/api/assets',
    summary: "The caller's assets, newest first",
    tag: 'assets',
    auth: 'user',
    scope: 'read',
    query: AssetQuery,
    answers: { 200: json('A page of assets.', answers.AssetPage) },
  },
  {
    method: 'GET',
    path: '/api/assets/{id}',
    summary: 'One asset',
    tag: 'assets',
    auth: 'user',
    scope: 'read',
    params: JobId,
    answers: { 200: json('The asset and its recipe.', answers.AssetAnswer) },
    errors: ['asset_not_found'],
  },
  {
    method: 'GET',
    path: '/api/assets/{id}/lineage',
    summary: 'What an asset was made from, and what was made from it',
    tag: 'assets',
    auth: 'user',
    scope: 'read',
    params: JobId,
    answers: { 200: json('The asset, its ancestors and its descendants.', answers.LineageAnswer) },
    errors: ['asset_not_found'],
  },
  {
    method: 'GET',
    path: '/api/assets/{id}/{file}',
    summary: "An asset's file (`content`) or its poster",
    tag: 'assets',
    auth: 'user',
    scope: 'read',
    params: z.object({ id: z.string().uuid(), file: z.enum(['content', 'poster']) }),
    answers: { 302: redirect('the file') },
    errors: ['asset_not_found', 'not_found', 'route_not_found'],
  },
  {
    method: 'POST',
    path: '/api/assets/{id}/vary',
    summary: 'Vary a result: a new job of its model, prompt and params with a new seed, made from it',
    tag: 'assets',
    auth: 'user',
    scope: 'generate',
    params: JobId,
    headers: SubmitHeaders.pick({ 'idempotency-key': true }),
    body: VaryBody,
    answers: { 202: json('Accepted, as a submit: the variation is queued; its parent is the asset.', answers.SubmitAnswer) },
    errors: [
      'asset_not_found',
      'asset_not_variable',
      'variation_not_supported',
      'unknown_model',
      'input_not_image',
      'output_too_large',
      'insufficient_credits',
      'key_spend_cap_reached',
      'too_many_active_jobs',
      'idempotency_key_reused',
      'body_too_large',
      'unsupported_media_type',
      'invalid_json',
      'queue_unavailable',
    ],
  },
  {
    method: 'DELETE',
    path: '/api/assets/{id}',
    summary: 'Delete an asset and its files',
    tag: 'assets',
    auth: 'user',
    scope: 'generate',
    params: JobId,
    answers: { 204: noContent },
    errors: ['asset_not_found'],
  },
  {
    method: 'POST',
    path: '/api/uploads',
    summary: 'Upload a picture (PNG, JPEG or WebP) to use as a model input',
    tag: 'assets',
    auth: 'user',
    scope: 'generate',
    body: UploadBody,
    bodyContentType: 'multipart/form-data',
    answers: { 201: json('Kept as an image asset (`source: upload`): upright, without metadata.', answers.UploadAnswer) },
    errors: ['upload_not_image', 'upload_corrupt', 'upload_too_large', 'image_too_large', 'unsupported_media_type'],
  },
  {
    method: 'GET',
    path: '/api/models',
    summary: 'The model catalog',
    tag: 'models',
    auth: 'public',
    answers: { 200: json('Every listed model, its params and price, and whether a live worker serves it.', answers.ModelList) },
  },
  {
    method: 'GET',
    path: '/api/models/{id}',
    summary: 'One model',
    tag: 'models',
    auth: 'public',
    restOfPath: 'id',
    params: z.object({
      id: z
        .string()
        .describe(
          'The model id, which may hold `/`: the rest of the path as it is (`/api/models/atelier/landscape-sketch`); an encoded slash (`%2F`) is read the same.',
        ),
    }),
    answers: { 200: json('The model.', ModelView) },
    errors: ['model_not_found'],
  },
  {
    method: 'GET',
    path: '/api/pricing',
    summary: 'Plans and prices',
    tag: 'credits',
    auth: 'public',
    answers: { 200: json('Plans and the price table.', answers.PricingAnswer) },
  },
  {
    method: 'GET',
    path: '/api/credits',
    summary: 'Balance and ledger',
    tag: 'credits',
    auth: 'user',
    query: CreditsQuery,
    answers: {
      200: json(
        'The balance and a page of ledger rows, or with `view=jobs` a page of history lines (one per job).',
        z.union([answers.CreditsAnswer, answers.CreditLinesAnswer]),
      ),
    },
  },
  {
    method: 'GET',
    path: '/api/queue',
    summary: 'Wait estimates per plan and kind',
    tag: 'queue',
    auth: 'public',
    answers: { 200: json('Estimates.', answers.QueueAnswer) },
  },
  {
    method: 'POST',
    path: '/api/billing/checkout',
    summary: 'Start a Stripe Checkout for Pro',
    tag: 'billing',
    auth: 'user',
    answers: { 200: json('Where to send the browser.', answers.CheckoutAnswer) },
    errors: ['billing_not_configured', 'plan_already_active', 'billing_provider_failed'],
  },
  {
    method: 'POST',
    path: '/api/billing/webhook',
    summary: "Stripe's events",
    tag: 'billing',
    auth: 'stripe',
    answers: { 200: json('Received.', answers.StripeWebhookAnswer) },
    errors: ['billing_not_configured', 'webhook_signature_invalid', 'billing_customer_unknown'],
  },
  {
    method: 'GET',
    path: '/auth/google',
    summary: 'Sign in: to the OpenID provider',
    tag: 'auth',
    auth: 'public',
    answers: { 302: { description: "A redirect to the provider's sign-in page." } },
    errors: ['auth_provider_unavailable', 'auth_not_configured'],
    errorPages: true,
  },
  {
    method: 'GET',
    path: '/auth/google/callback',
    summary: 'Sign in: back from the OpenID provider',
    tag: 'auth',
    auth: 'public',
    answers: { 302: { description: 'Signed in (a session cookie is set): to /app.' } },
    errors: ['auth_failed', 'auth_provider_unavailable', 'auth_not_configured', 'email_in_use', 'account_disabled'],
    errorPages: true,
  },
  { method: 'POST', path: '/auth/logout', summary: 'Sign out', tag: 'auth', auth: 'public', answers: { 204: noContent }, errors: ['csrf_rejected'] },
  { method: 'GET', path: '/api/me', summary: 'The caller', tag: 'account', auth: 'user', answers: { 200: json('The caller.', answers.MeAnswer) } },
  {
    method: 'POST',
    path: '/api/keys',
    summary: 'Create an API key',
    tag: 'keys',
    auth: 'user',
    body: CreateApiKeyBody,
    answers: { 201: json('The new key: its secret is in this answer only.', answers.CreatedApiKeyAnswer) },
    errors: ['forbidden'],
  },
  {
    method: 'GET',
    path: '/api/keys',
    summary: "The caller's live API keys",
    tag: 'keys',
    auth: 'user',
    answers: { 200: json('The keys (never their secrets).', answers.ApiKeyList) },
  },
  {
    method: 'PATCH',
    path: '/api/keys/{id}',
    summary: "Change a key's scopes or monthly credit cap",
    tag: 'keys',
    auth: 'user',
    params: JobId,
    body: UpdateApiKeyBody,
    answers: { 200: json('The key as it now is.', answers.ApiKeyAnswer) },
    errors: ['api_key_not_found', 'forbidden'],
  },
  {
    method: 'DELETE',
    path: '/api/keys/{id}',
    summary: 'Revoke an API key',
    tag: 'keys',
    auth: 'user',
    params: JobId,
    answers: { 204: noContent },
    errors: ['api_key_not_found'],
  },
  {
    method: 'GET',
    path: '/api/admin/dlq',
    summary: 'Dead jobs, oldest first',
    tag: 'admin',
    auth: 'admin',
    query: DeadLetterQuery,
    answers: { 200: json('A page of dead jobs.', answers.DeadLetterPage) },
  },
  {
    method: 'POST',
    path: '/api/admin/dlq/{id}/retry',
    summary: 'Retry a dead job with a fresh reservation',
    tag: 'admin',
    auth: 'admin',
    params: JobId,
    answers: { 200: json('The job, queued again.', answers.JobAnswer) },
    errors: ['job_not_found', 'job_not_retryable', 'insufficient_credits'],
  },
  {
    method: 'POST',
    path: '/api/admin/dlq/retry-all',
    summary: 'Retry every dead job',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('What was retried and what was refused.', answers.RetryAllAnswer) },
  },
  {
    method: 'GET',
    path: '/api/admin/queue',
    summary: 'Queue counts, workers and the concurrency override',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('The queue.', answers.QueueAdminAnswer) },
  },
  {
    method: 'GET',
    path: '/api/admin/workers',
    summary: 'The live workers: their models, engines, GPUs and slots',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('The workers.', answers.WorkerList) },
  },
  {
    method: 'GET',
    path: '/api/admin/queue/unserved',
    summary: 'Queued jobs of models no live worker serves',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('Up to 100 jobs, oldest first.', answers.UnservedJobList) },
  },
  {
    method: 'POST',
    path: '/api/admin/queue/pause',
    summary: 'Pause the queue (submits still taken)',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('Paused.', answers.PausedAnswer) },
  },
  {
    method: 'POST',
    path: '/api/admin/queue/resume',
    summary: 'Resume the queue',
    tag: 'admin',
    auth: 'admin',
    answers: { 200: json('Resumed.', answers.PausedAnswer) },
  },
  {
    method: 'PUT',
    path: '/api/admin/queue/concurrency',
    summary: "Set every worker's concurrency",
    tag: 'admin',
    auth: 'admin',
    body: WorkerConcurrencyBody,
    answers: { 200: json('The override now in force.', answers.WorkerConcurrencyAnswer) },
  },
  {
    method: 'GET',
    path: '/files/{key}',
    restOfPath: 'key',
    summary: 'An object of the local-disk store, through a URL the API signed',
    tag: 'files',
    auth: 'signedUrl',
    params: z.object({ key: z.string() }),
    query: z.object({ expires: z.string(), signature: z.string() }),
    answers: { 200: { description: 'The file.', contentType: 'application/octet-stream' } },
    errors: ['link_expired', 'link_invalid', 'not_found'],
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'docs',
    auth: 'public',
    answers: { 200: { description: 'OpenAPI 3.1.', contentType: 'application/json' } },
  },
  {
    method: 'GET',
    path: '/api/docs',
    summary: 'This reference, to read in a browser',
    tag: 'docs',
    auth: 'public',
    answers: { 200: { description: 'HTML.', contentType: 'text/html' } },
  },
];
