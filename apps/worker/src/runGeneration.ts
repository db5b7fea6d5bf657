import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobError, outputSizeFromInput, type Catalog, type CatalogModel } from '@atelier/contracts';
import { claimJob, completeJob, recordJobProgress, type JobRow, type Pool } from '@atelier/db';
import type { EngineInput, Engines, GeneratedFile, PreviewImage } from '@atelier/engines';
import { placeholderOf, validateOutput, type OutputExpectation } from '@atelier/media';
import { jobObjectKey, jobPrefix, type ObjectStore } from '@atelier/storage';
import type { WebhookNotifier } from '@atelier/webhooks';
import { readJobInputs } from './jobInputs.ts';
import { JobEventWriter } from './jobEventWriter.ts';

export interface GenerationDeps {
  pool: Pool;
  redis: Redis;
  store: ObjectStore;
  /** The engines of the models this worker serves, by model id. */
  engines: Engines;
  /** The catalog the engines were made from: what an input-sized output (an upscale) must measure. */
  catalog: Catalog;
  workerId: string;
  log: Logger;
  webhooks: WebhookNotifier;
}

/** The row takes coarse progress at most this often; the event stream takes every step. */
const PROGRESS_ROW_INTERVAL_MS = 5_000;
const jobFileUrl = (jobId: string, file: 'output' | 'preview' | 'poster') => `/api/jobs/${jobId}/${file}`;

/**
 * What the file must measure: where an input decides it, the input's size times the model's
 * scale (an upscale); else what the engine says it made, else what was asked. (The `instant`
 * benchmark engine honestly makes 8×8 whatever the request.)
 */
function expectationFor(job: JobRow, file: GeneratedFile, model: CatalogModel | undefined, inputs: EngineInput<'image'>['inputs']): OutputExpectation {
  const asked = job.params as { width?: number; height?: number; seconds?: number };
  if (job.kind === 'voice') return {};
  const fromInput = model && inputs?.image ? outputSizeFromInput(model, inputs.image) : undefined;
  return {
    width: fromInput?.width ?? file.width ?? asked.width,
    height: fromInput?.height ?? file.height ?? asked.height,
    durationSeconds: job.kind === 'video' ? (file.durationSeconds ?? asked.seconds) : undefined,
  };
}

/**
 * Each attempt stores under names of its own (`a2-output.mp4`): a worker that lost the job
 * but still runs (frozen past its lock, then woken) can never overwrite the files of the
 * attempt that completed it.
 */
const attemptPrefix = (job: JobRow, attempt = job.attempts) => `${jobPrefix(job.userId, job.id)}a${attempt}-`;

/**
 * One attempt at one job: claim → engine (events on every step) → check → store → record and
 * settle. Each step is safe to run again: keys are per attempt, completion is conditional, the
 * charge has an idempotency key. Throws on failure; the caller decides retry or dead letter.
 */
export async function runGeneration(deps: GenerationDeps, jobId: string, model: string, signal: AbortSignal): Promise<void> {
  const engine = deps.engines.get(model);
  // The worker consumes only its models' queues, so this is a job put in the wrong queue.
  if (!engine) throw new JobError('internal', `This worker does not serve ${model}.`);
  const job = await claimJob(deps.pool, jobId, deps.workerId, engine.gpu?.()?.name ?? null);
  if (!job) {
    deps.log.info({ job_id: jobId }, 'job is no longer runnable (finished or canceled); skipping');
    return;
  }
  const events = new JobEventWriter(deps.redis, job.id);
  events.emit({ type: 'status', status: 'running', workerId: deps.workerId });
  // Not awaited: the engine need not wait on Redis; notify logs its own failures and the outbox keeps the event.
  void deps.webhooks.notify(job, 'running');

  let lastRowWrite = Date.now();
  let previewBlurhash: string | null = null;
  let previews = 0;
  const inputs = await readJobInputs(deps, job);
  const files = await engine.generate(
    { prompt: job.prompt, params: job.params as never, inputs },
    {
      signal,
      progress: (percent, stage) => {
        events.emit({ type: 'progress', percent: Math.round(percent), stage });
        if (Date.now() - lastRowWrite < PROGRESS_ROW_INTERVAL_MS) return;
        lastRowWrite = Date.now();
        void recordJobProgress(deps.pool, job.id, deps.workerId, { progress: Math.round(percent) }).catch((error: Error) =>
          deps.log.warn({ err: error, job_id: job.id }, 'could not record coarse progress'),
        );
      },
      preview: async (image) => {
        previews += 1;
        previewBlurhash = await announcePreview(deps, job, image, events, previews);
      },
    },
  );

  const output = files.find((file) => file.role === 'output');
  if (!output) throw new JobError('invalid_output', 'The engine returned no output file.');
  const poster = files.find((file) => file.role === 'poster') ?? null;
  // The check (a decode) and the uploads wait on other threads or machines, so they run at
  // once. A file that fails its check is not used: every put has settled before the error is
  // thrown, and recording the failure removes the job's objects.
  const [measured, stored, posterKey, posterPlaceholder] = valuesOrFirstFailure(
    await Promise.allSettled([
      validateOutput(output, expectationFor(job, output, deps.catalog.get(model), inputs), signal),
      deps.store.put(jobObjectKey(job.userId, job.id, `a${job.attempts}-output.${output.extension}`), output.data, { contentType: output.contentType }),
      poster ? storeFile(deps.store, job, poster, `poster.${poster.extension}`) : null,
      poster ? placeholderOf(poster.data) : null,
    ] as const),
  );
  // The asset's placeholder: from the finished picture (its check hashed it), the video's poster, or the preview.
  const blurhash = measured.blurhash ?? posterPlaceholder?.blurhash ?? previewBlurhash;

  const assetId = await completeJob(deps.pool, job.id, deps.workerId, {
    storageKey: stored.key,
    posterKey,
    contentType: output.contentType,
    bytes: stored.bytes,
    width: measured.width ?? null,
    height: measured.height ?? null,
    durationSeconds: measured.durationSeconds ?? output.durationSeconds ?? null,
    blurhash,
    peaks: output.peaks ?? null,
  });
  if (!assetId) {
    deps.log.warn({ job_id: job.id }, 'completion refused: the job was canceled or taken over meanwhile');
    // What this attempt stored belongs to nobody now.
    await Promise.all([events.flush(), deps.store.deletePrefix(attemptPrefix(job))]);
    return;
  }
  // Earlier attempts that died or failed may have left a first frame or an output behind.
  for (let attempt = 1; attempt < job.attempts; attempt++) await deps.store.deletePrefix(attemptPrefix(job, attempt));
  events.emit({
    type: 'output',
    url: jobFileUrl(job.id, 'output'),
    contentType: output.contentType,
    bytes: stored.bytes,
    width: measured.width,
    height: measured.height,
    durationSeconds: measured.durationSeconds ?? output.durationSeconds,
    posterUrl: posterKey ? jobFileUrl(job.id, 'poster') : undefined,
    peaks: output.peaks,
    assetId,
  });
  events.emit({ type: 'status', status: 'succeeded' });
  await Promise.all([events.flush(), deps.webhooks.notify(job, 'succeeded')]);
}

async function storeFile(store: ObjectStore, job: JobRow, file: GeneratedFile | PreviewImage, name: string): Promise<string> {
  const stored = await store.put(jobObjectKey(job.userId, job.id, `a${job.attempts}-${name}`), file.data, { contentType: file.contentType });
  return stored.key;
}

/**
 * BlurHash first (it is what the person sees at once), then the stored picture: a video's
 * first frame, or a sampling step's small JPEG (one key per attempt, overwritten by the next
 * step; the count in its URL makes each step's URL its own to a browser's cache). The row
 * takes them before the event goes out: the event's URL is served from the row's preview
 * key, and a browser fetches it the moment the event arrives.
 */
async function announcePreview(deps: GenerationDeps, job: JobRow, image: PreviewImage, events: JobEventWriter, count: number): Promise<string> {
  const placeholder = await placeholderOf(image.data);
  // The preview may be a small early picture; the browser reserves the finished size.
  const { width = image.width, height = image.height } = job.params as { width?: number; height?: number };
  const { blurhash } = placeholder;
  const stored = image.isFirstFrame || image.isSamplingStep;
  const previewKey = stored ? await storeFile(deps.store, job, image, image.isFirstFrame ? 'first-frame.jpg' : 'sampling-step.jpg') : undefined;
  await recordJobProgress(deps.pool, job.id, deps.workerId, { blurhash, previewKey });
  events.emit({
    type: 'preview',
    blurhash,
    width,
    height,
    firstFrameUrl: image.isFirstFrame ? jobFileUrl(job.id, 'preview') : undefined,
    url: image.isSamplingStep ? `${jobFileUrl(job.id, 'preview')}?step=${count}` : undefined,
  });
  return blurhash;
}

/** The values, or the first rejection in the given order (the check before the uploads). */
function valuesOrFirstFailure<T extends readonly unknown[]>(results: { [K in keyof T]: PromiseSettledResult<T[K]> }): T {
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
