import { AppError, JobError } from '@atelier/contracts';

/**
 * Any error as a JobError. Our own codes keep their retry rule; an abort is a timeout or a
 * cancel; anything else is an engine failure worth retrying.
 */
export function toJobError(error: unknown, signal: AbortSignal): JobError {
  if (error instanceof JobError) return error;
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    if (reason?.name === 'TimeoutError') return new JobError('timeout', undefined, { cause: error });
    if (reason?.name === 'LockLostError') return new JobError('engine_failed', 'This worker lost the job to another one.', { retryable: true, cause: error });
    if (reason?.name === 'ShutdownError')
      return new JobError('engine_failed', 'The worker shut down; the job will run again.', { retryable: true, cause: error });
    return new JobError('canceled', undefined, { cause: error });
  }
  if (error instanceof AppError) return new JobError(error.code, error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new JobError('engine_failed', `The generation engine failed: ${message}`, { retryable: true, cause: error });
}
