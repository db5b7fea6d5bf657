import { JobError } from '@atelier/contracts';

/**
 * A provider's HTTP failure as one of our stable codes, with the rule for retrying it:
 * 429 waits and retries; a refused prompt or refused credentials never will pass; 5xx is the
 * provider's trouble and worth another attempt; any other 4xx is a request we got wrong.
 */
export function failureForStatus(provider: string, status: number, message: string, isContentPolicy: boolean): JobError {
  const said = `${provider} answered ${status}: ${message}`;
  if (status === 429) return new JobError('provider_rate_limited', said, { retryable: true });
  if (status === 401 || status === 403) return new JobError('provider_auth_failed', said, { retryable: false });
  if (isContentPolicy && (status === 400 || status === 422)) return new JobError('content_policy', said, { retryable: false });
  if (status >= 500) return new JobError('provider_unavailable', said, { retryable: true });
  return new JobError('engine_failed', said, { retryable: false });
}

export function providerUnreachable(provider: string, why: string, cause?: unknown): JobError {
  return new JobError('provider_unavailable', `${provider} could not be reached: ${why}`, { retryable: true, cause });
}
