import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { queues, type GenerationPayload } from '@atelier/contracts';
import { toJobError } from './engineFailure.ts';
import { failGeneration, retryGeneration } from './failGeneration.ts';
import { runGeneration, type GenerationDeps } from './runGeneration.ts';

export interface ProcessorDeps extends GenerationDeps {
  deadLetters: Queue;
  /** Aborted when this process shuts down: running jobs stop and go back to the queue. */
  shutdownSignal: AbortSignal;
  /** Per-job abort controllers, so a cancel from the API reaches the running engine. */
  running: Map<string, AbortController>;
}

/**
 * The handler of the generation queue: parse the payload, run one attempt, and let failures
 * reach BullMQ — retryable ones are thrown as they are (BullMQ retries with backoff), final
 * ones are recorded, refunded and dead-lettered, then thrown as UnrecoverableError.
 */
export function generationProcessor(deps: ProcessorDeps) {
  return async (job: Job<GenerationPayload>): Promise<void> => {
    const payload = queues.generation.payload.parse(job.data);
    const log = deps.log.child({ job_id: payload.jobId, worker_id: deps.workerId, request_id: payload.requestId, attempt: job.attemptsMade + 1 });
    const cancel = new AbortController();
    deps.running.set(payload.jobId, cancel);
    const signal = AbortSignal.any([cancel.signal, deps.shutdownSignal, AbortSignal.timeout(queues.generation.timeoutMs[payload.kind])]);
    try {
      await runGeneration({ ...deps, log }, payload.jobId, signal);
    } catch (error) {
      const failure = toJobError(error, signal);
      const attempts = job.attemptsMade + 1;
      const final = !failure.retryable || attempts >= (job.opts.attempts ?? 1);
      log.warn({ err: error, code: failure.code, final }, 'generation attempt failed');
      if (!final) {
        await retryGeneration(deps, payload.jobId, failure);
        throw failure;
      }
      await failGeneration(deps, payload.jobId, payload.kind, failure, attempts);
      throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
    } finally {
      deps.running.delete(payload.jobId);
    }
  };
}
