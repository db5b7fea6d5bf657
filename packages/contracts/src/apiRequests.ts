import { z } from 'zod';
import { JobKind } from './jobs.ts';
import { Variation } from './models/modelEntry.ts';

/** Query strings and bodies of the API's routes (the generate body is in jobs.ts, keys in apiKeys.ts). */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/**
 * `movements` (the default): every ledger row. `jobs`: one line per job with what it cost in the
 * end (its reservations, charge and refunds together); grants and other movements keep their own.
 */
export const CreditsQuery = PageQuery.extend({ view: z.enum(['movements', 'jobs']).default('movements') });

export const AssetQuery = PageQuery.extend({ kind: JobKind.optional() });

/** `POST /api/assets/{id}/vary`: a new layout (`strong`) or the same layout with new detail (`subtle`). */
export const VaryBody = z.strictObject({ variation: Variation.default('strong') });

export const DeadLetterQuery = z.object({
  start: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Past this, a worker process would only thrash. */
export const MAX_WORKER_CONCURRENCY = 256;

export const WorkerConcurrencyBody = z.strictObject({
  /** Jobs each worker process runs at once; null goes back to each worker's WORKER_CONCURRENCY. */
  perWorker: z.number().int().min(1).max(MAX_WORKER_CONCURRENCY).nullable(),
});

/** `Prefer: wait=N` on a submit: hold the answer up to N seconds for the job to finish (RFC 7240, as Replicate uses it). */
export const PREFER_WAIT_MAX_SECONDS = 60;
export const PreferWait = z.coerce.number().int().min(1).max(PREFER_WAIT_MAX_SECONDS);
