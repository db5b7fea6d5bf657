import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors.ts';
import { JobKind, JobView } from './jobs.ts';
import { ApiKeyView } from './apiKeys.ts';
import { Plan } from './plans.ts';
import { AssetRecipe, AssetView, LineageEntryView } from './assets.ts';
import { ModelView } from './models/modelView.ts';
import { WebhookEventView } from './webhooks.ts';
import { WorkerAnnouncement } from './workers.ts';

/**
 * The shapes of the API's answers: what `/api/openapi.json` documents, what the typed client
 * returns, and what the test suite checks every answer against.
 */
export const ErrorCodeSchema = z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]);
export const ErrorAnswer = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.unknown().optional() }),
});

export const SubmitAnswer = z.object({ job: JobView, streamUrl: z.string() });
export type SubmitAnswer = z.infer<typeof SubmitAnswer>;
export const JobAnswer = z.object({ job: JobView });
export const JobPage = z.object({ items: z.array(JobView), nextCursor: z.string().nullable() });
export type JobPage = z.infer<typeof JobPage>;

export const AssetAnswer = z.object({ asset: AssetView, recipe: AssetRecipe.nullable().describe('What made it; null for an upload.') });
export type AssetAnswer = z.infer<typeof AssetAnswer>;
export const UploadAnswer = z.object({ asset: AssetView });
export type UploadAnswer = z.infer<typeof UploadAnswer>;
export const LineageAnswer = z.object({
  asset: AssetView,
  ancestors: z.array(LineageEntryView).describe('Its parent, the parent’s parent …, nearest first.'),
  descendants: z.array(LineageEntryView).describe('The assets of every job made from it, and theirs, breadth first.'),
});
export type LineageAnswer = z.infer<typeof LineageAnswer>;

export const ModelList = z.object({ items: z.array(ModelView) });
export type ModelList = z.infer<typeof ModelList>;
export const AssetPage = z.object({ items: z.array(AssetView), nextCursor: z.string().nullable() });

export const CreditTransactionView = z.object({
  id: z.number().int(),
  kind: z.enum(['grant', 'reserve', 'charge', 'refund']),
  amount: z.number().int(),
  reason: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
});
export const CreditsAnswer = z.object({ balance: z.number().int(), items: z.array(CreditTransactionView), nextCursor: z.string().nullable() });

/** A line of the credits history by job (`?view=jobs`): a job's movements together, or one movement of no job. */
export const CreditLineView = z.object({
  /** The line's first ledger row; lines are newest first by it. */
  id: z.number().int(),
  /** The first movement's kind: `reserve` for a job's line. */
  kind: z.enum(['grant', 'reserve', 'charge', 'refund']),
  /** The balance change of the whole line: minus what the job cost in the end. */
  amount: z.number().int(),
  reason: z.string(),
  createdAt: z.string(),
  job: z
    .object({
      id: z.string(),
      kind: JobKind,
      model: z.string(),
      prompt: z.string(),
      status: z.string(),
      /** Credits set aside when it was submitted (and again for each retry from the dead-letter queue). */
      reserved: z.number().int(),
      /** Credits kept for its result: what was reserved for the rounds that succeeded. */
      charged: z.number().int(),
      /** Credits given back (failed, canceled). */
      refunded: z.number().int(),
    })
    .nullable(),
});
export const CreditLinesAnswer = z.object({ balance: z.number().int(), items: z.array(CreditLineView), nextCursor: z.string().nullable() });

export const PricingAnswer = z.object({
  plans: z.record(Plan, z.record(z.string(), z.unknown())),
  prices: z.record(JobKind, z.record(z.string(), z.unknown())),
});
export const QueueAnswer = z.object({
  estimates: z.record(Plan, z.record(JobKind, z.object({ jobsAhead: z.number().int(), etaSeconds: z.number() }))),
});
export const MeAnswer = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  plan: Plan,
  credits: z.number().int(),
  /** Without billing configured the web app offers no upgrade that would only answer `billing_not_configured`. */
  upgradeAvailable: z.boolean().describe('Pro can be bought on this server (`POST /api/billing/checkout`).'),
});
export type MeAnswer = z.infer<typeof MeAnswer>;

export const CreatedApiKeyAnswer = z.object({ key: z.string().describe('The key itself: shown in this answer and never again.'), apiKey: ApiKeyView });
export const ApiKeyAnswer = z.object({ apiKey: ApiKeyView });
export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });

export const HealthAnswer = z.object({ status: z.literal('ok') });
export const ReadyAnswer = z.object({ status: z.literal('ready') });
export const CheckoutAnswer = z.object({ url: z.string() });
export const StripeWebhookAnswer = z.object({ received: z.literal(true), outcome: z.enum(['applied', 'duplicate', 'ignored']) });

export const DeadLetterPage = z.looseObject({ total: z.number().int(), items: z.array(z.looseObject({ jobId: z.string(), kind: z.string() })) });
export const RetryAllAnswer = z.looseObject({ retried: z.array(z.unknown()), refused: z.array(z.unknown()) });
export const QueueAdminAnswer = z.looseObject({ paused: z.boolean(), counts: z.record(z.string(), z.number().int()) });
export const PausedAnswer = z.object({ paused: z.boolean() });
export const WorkerConcurrencyAnswer = z.object({ workerConcurrency: z.object({ override: z.number().int().nullable() }) });
export const WorkerList = z.object({ items: z.array(WorkerAnnouncement).describe('The live workers, as each last announced itself.') });
export type WorkerList = z.infer<typeof WorkerList>;
export const UnservedJob = z.object({
  jobId: z.string().uuid(),
  model: z.string(),
  kind: JobKind,
  createdAt: z.string(),
  /** What the job's `queue` events say it waits for. */
  waitingFor: z.string(),
});
export const UnservedJobList = z.object({ items: z.array(UnservedJob).describe('Queued jobs of models no live worker serves, oldest first.') });
export type UnservedJobList = z.infer<typeof UnservedJobList>;

export const WebhookSecretAnswer = z.object({ secret: z.string().describe("The account's webhook signing secret (Standard Webhooks, `whsec_…`).") });
export type WebhookSecretAnswer = z.infer<typeof WebhookSecretAnswer>;
export const RotatedWebhookSecretAnswer = WebhookSecretAnswer.extend({
  previousSecretExpiresAt: z.string().nullable().describe('Until then deliveries are signed with the old secret too; null when there was none.'),
});
export type RotatedWebhookSecretAnswer = z.infer<typeof RotatedWebhookSecretAnswer>;
export const WebhookEventList = z.object({ items: z.array(WebhookEventView) });
export type WebhookEventList = z.infer<typeof WebhookEventList>;
