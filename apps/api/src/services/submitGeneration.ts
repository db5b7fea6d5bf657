import { createHash } from 'node:crypto';
import {
  AppError,
  costOfFormula,
  isTerminal,
  parseGenerateBody,
  plans,
  requestedModel,
  type Catalog,
  type CatalogModel,
  type JobKind,
} from '@atelier/contracts';
import {
  claimIdempotencyKey,
  discardUnqueuedJob,
  inTransaction,
  insertJobWithReservation,
  storeIdempotentResponse,
  type JobRow,
  type Queryable,
  type User,
} from '@atelier/db';
import { enqueueGeneration } from '@atelier/queue';
import { checkWebhookUrl } from '@atelier/webhooks';
import type { ApiServices } from '../services.ts';
import { jobStreamPath, jobView } from '../jobView.ts';
import { awaitTerminalJob } from './awaitTerminalJob.ts';
import { checkInputs, type CheckedInputs } from './submitInputs.ts';

export interface SubmitResult {
  statusCode: number;
  body: unknown;
}

interface SubmitRequest {
  user: User;
  kind: JobKind;
  body: unknown;
  requestId: string;
  idempotencyKey: string | null;
  /** The API key it comes through (its monthly cap applies); null for a session. */
  apiKeyId?: string | null;
  /** The asset the job is made from when no input names it (the one a variation varies). */
  parentAssetId?: string;
  /** What an Idempotency-Key stands for when it is not the body (a variation's body draws a new seed each time). */
  idempotencySubject?: unknown;
  /** `Prefer: wait=N`: hold the answer up to N seconds for the job to finish, until `signal` aborts. */
  wait?: { seconds: number; signal: AbortSignal };
}

/** Keys sorted at every level, so `{a,b}` and `{b,a}` are one request. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The model a submit names, or its kind's default; one of another kind is refused, not swapped. */
function modelOf(catalog: Catalog, kind: JobKind, body: unknown): CatalogModel {
  const id = requestedModel(body);
  if (id === undefined) return catalog.defaultOf(kind);
  const model = catalog.listed(id);
  if (!model) throw new AppError('unknown_model', `There is no model "${id}"; GET /api/models lists them.`);
  if (model.kind !== kind) throw new AppError('model_kind_mismatch', `"${id}" makes ${model.kind}, not ${kind}; submit it to /api/generate/${model.kind}.`);
  return model;
}

type ParsedSubmit = ReturnType<typeof parseGenerateBody> & CheckedInputs & { model: CatalogModel };

/**
 * The body for its model, with its input assets checked and its webhook URL checked against
 * the operator's policy (a DNS lookup): before any transaction.
 */
async function parseSubmit(services: ApiServices, request: SubmitRequest): Promise<ParsedSubmit> {
  const model = modelOf(services.catalog, request.kind, request.body);
  const body = parseGenerateBody(model, request.body);
  const checked = await checkInputs(services.pool, request.user.id, model, body.inputs);
  const parsed = { ...body, ...checked, parentAssetId: request.parentAssetId ?? checked.parentAssetId, model };
  if (!parsed.webhook) return parsed;
  const policy = { allowHttp: services.config.WEBHOOK_ALLOW_HTTP, allowPrivate: services.config.WEBHOOK_ALLOW_PRIVATE };
  return { ...parsed, webhook: { ...parsed.webhook, url: await checkWebhookUrl(parsed.webhook.url, policy) } };
}

async function createJob(db: Queryable, request: SubmitRequest, { model, prompt, params, inputs, parentAssetId, outputSize, webhook }: ParsedSubmit) {
  const plan = plans[request.user.plan];
  const job = await insertJobWithReservation(db, {
    userId: request.user.id,
    kind: request.kind,
    model: model.id,
    prompt,
    params,
    inputs,
    parentAssetId,
    priority: plan.queuePriority,
    cost: costOfFormula(request.kind, model.priceFormula, prompt, params, outputSize),
    maxActiveJobs: plan.maxActiveJobs,
    webhook,
    apiKeyId: request.apiKeyId ?? null,
  });
  if (typeof job === 'string') throw new AppError(job);
  return job;
}

const acceptedBody = (job: JobRow) => ({ job: jobView(job), streamUrl: jobStreamPath(job.id) });

/**
 * Validate, write the job and its reservation, then queue it. If the queue refuses, the row
 * and the reservation are taken back: no row is left without a queue entry. With an
 * Idempotency-Key the first answer is stored with the job and every replay gets it again.
 */
export async function submitGeneration(services: ApiServices, request: SubmitRequest): Promise<SubmitResult> {
  const parsed = await parseSubmit(services, request);
  const created =
    request.idempotencyKey === null ? await createJob(services.pool, request, parsed) : await createJobOnce(services, request, parsed, request.idempotencyKey);
  if ('statusCode' in created) return created;

  try {
    await enqueueGeneration(services.queues, { jobId: created.id, kind: request.kind, model: created.model, requestId: request.requestId }, created.priority);
  } catch (error) {
    services.log.warn({ err: error, job_id: created.id }, 'enqueue failed; taking the job back');
    await discardUnqueuedJob(services.pool, created.id);
    throw new AppError('queue_unavailable');
  }
  if (!request.wait) return { statusCode: 202, body: acceptedBody(created) };
  const job = await awaitTerminalJob(services, created, request.wait.seconds, request.wait.signal);
  return { statusCode: isTerminal(job.status) ? 201 : 202, body: acceptedBody(job) };
}

/** The new job, or the stored answer to the first request with this key. */
async function createJobOnce(services: ApiServices, request: SubmitRequest, parsed: ParsedSubmit, key: string): Promise<JobRow | SubmitResult> {
  const requestHash = createHash('sha256')
    .update(`${request.kind}\n${canonicalJson(request.idempotencySubject ?? request.body)}`)
    .digest();
  return inTransaction(services.pool, async (client) => {
    const stored = await claimIdempotencyKey(client, request.user.id, key, requestHash);
    if (stored) {
      if (!stored.requestHash.equals(requestHash)) throw new AppError('idempotency_key_reused');
      return { statusCode: stored.statusCode, body: stored.response };
    }
    const job = await createJob(client, request, parsed);
    await storeIdempotentResponse(client, request.user.id, key, job.id, 202, acceptedBody(job));
    return job;
  });
}
