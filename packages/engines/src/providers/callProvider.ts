import type { JobError } from '@atelier/contracts';
import { providerUnreachable } from './providerFailure.ts';

export interface ProviderCall {
  provider: string;
  /** The job's signal: a cancel or the job's own time limit. */
  signal: AbortSignal;
  /** How long one call may take before the provider counts as unavailable. */
  timeoutMs: number;
  /** The SDK's errors as stable codes; undefined for anything else, which goes on as it is. */
  classify: (error: unknown) => JobError | undefined;
}

/**
 * Make one call to a provider under a deadline of its own. An abort of the job rejects with
 * the job's reason, as every engine does; the deadline passing is `provider_unavailable`
 * (retryable); the provider's errors become stable codes.
 */
export async function callProvider<T>({ provider, signal, timeoutMs, classify }: ProviderCall, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await call(AbortSignal.any([signal, deadline]));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.aborted) throw providerUnreachable(provider, `no answer within ${timeoutMs / 1000} s`, error);
    throw classify(error) ?? error;
  }
}
