import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { queues, type GenerationPayload, type JobKind } from '@atelier/contracts';
import { ToolFailedError } from '@atelier/media';
import { toJobError } from './engineFailure.ts';
import { failGeneration, retryGeneration, returnGeneration, type FailureDeps } from './failGeneration.ts';
import { runGeneration } from './runGeneration.ts';
import type { WorkerMetrics } from './metrics/workerMetrics.ts';
import type { AttemptOutcome } from './metrics/jobTimings.ts';
import type { SlotGate } from './slotGate.ts';

export interface ProcessorDeps extends FailureDeps {
  /** Aborted when this process shuts down: running jobs stop and go back to the queue. */
  shutdownSignal: AbortSignal;
  /** Aborted when this process is told to stop (SIGTERM, SIGINT), before its grace period runs out. */
  stopSignal: AbortSignal;
  /** Per-job abort controllers, so a cancel from the API reaches the running engine. */
  running: Map<string, AbortController>;
  /** Per-kind run time limits; past it the engine is aborted and the job fails with `timeout`. */
  timeoutMs: Record<JobKind, number>;
  /** Wait, run and first-preview times and busy slots, observed in memory (absent in tests that need none). */
  metrics?: WorkerMetrics;
  /** The process's slots across its model queues (absent with one queue: BullMQ's concurrency suffices). */
  slots?: SlotGate;
}

/**
 * A final failure our processor has already recorded, refunded and dead-lettered. BullMQ
 * treats it as its UnrecoverableError (no retry); the worker's `failed` listener knows it
 * apart from BullMQ's own give-ups, which it must finish itself.
 */
export class RecordedFailure extends UnrecoverableError {}

const abortedBy = (signal: AbortSignal, name: string) => signal.aborted && (signal.reason as Error | undefined)?.name === name;

/**
 * A program of the engine killed by the same stop that is stopping this worker (systemd's
 * control-group SIGTERM reaches every process of the service): the job did nothing wrong.
 */
const interruptedByStop = (error: unknown, stopSignal: AbortSignal) => stopSignal.aborted && error instanceof ToolFailedError && error.interrupted;

/**
 * The handler of the generation queue: parse the payload, run one attempt, and let failures
 * reach BullMQ — retryable ones are thrown as they are (BullMQ retries with backoff), final
 * ones are recorded, refunded and dead-lettered, then thrown as UnrecoverableError. A job cut
 * short by this worker's shutdown goes back to the wait list without spending an attempt.
 */
export function generationProcessor(deps: ProcessorDeps) {
  return async (job: Job<GenerationPayload>, token?: string): Promise<void> => {
    if (deps.slots && token !== undefined && !deps.slots.tryEnter()) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    try {
      await runAttempt(deps, job, token);
    } finally {
      deps.slots?.leave();
    }
  };
}

async function runAttempt(deps: ProcessorDeps, job: Job<GenerationPayload>, token: string | undefined): Promise<void> {
  const payload = queues.generation.payload.parse(job.data);
  // worker_id is in the process logger's base bindings already.
  const log = deps.log.child({ job_id: payload.jobId, request_id: payload.requestId, attempt: job.attemptsMade + 1 });
  const cancel = new AbortController();
  deps.running.set(payload.jobId, cancel);
  const signal = AbortSignal.any([cancel.signal, deps.shutdownSignal, AbortSignal.timeout(deps.timeoutMs[payload.kind])]);
  const attempt = deps.metrics?.startAttempt(job, payload.kind);
  let outcome: AttemptOutcome = 'completed';
  try {
    await runGeneration({ ...deps, log, engines: attempt?.engines(deps.engines) ?? deps.engines }, payload.jobId, payload.model, signal);
  } catch (error) {
    if ((abortedBy(signal, 'ShutdownError') || interruptedByStop(error, deps.stopSignal)) && token !== undefined) {
      log.info('shutting down: handing the job back to the queue');
      outcome = 'handed_back';
      await returnGeneration(deps, payload.jobId);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const failure = toJobError(error, signal);
    const attempts = job.attemptsMade + 1;
    const final = !failure.retryable || attempts >= (job.opts.attempts ?? 1);
    log.warn({ err: error, code: failure.code, final }, 'generation attempt failed');
    outcome = !final ? 'retrying' : failure.code === 'canceled' ? 'canceled' : 'failed';
    if (!final) {
      await retryGeneration(deps, payload.jobId, failure);
      throw failure;
    }
    await failGeneration(deps, payload.jobId, failure);
    throw new RecordedFailure(`${failure.code}: ${failure.message}`);
  } finally {
    deps.running.delete(payload.jobId);
    attempt?.finish(outcome);
  }
}
