import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors.ts';
import { JobKind, JobView } from './jobs.ts';
import { ApiKeyView } from './apiKeys.ts';
import { Plan } from './plans.ts';

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

export const AssetView = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  kind: JobKind,
  url: z.string(),
  posterUrl: z.string().nullable(),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
  blurhash: z.string().nullable(),
  peaks: z.array(z.number()).nullable(),
  prompt: z.string(),
  createdAt: z.string(),
});
export type AssetView = z.infer<typeof AssetView>;
export const AssetAnswer = z.object({ asset: AssetView });
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
});

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
