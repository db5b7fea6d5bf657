import * as oidc from 'openid-client';
import { AppError } from '@atelier/contracts';

const unavailable = (reason: string) => new AppError('auth_provider_unavailable', `The sign-in provider did not answer: ${reason}.`);

/** fetch() reports a refused or dropped connection as a TypeError, a timeout as a TimeoutError. */
function isUnreachable(error: unknown): error is Error {
  return (
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || (error instanceof TypeError && error.message === 'fetch failed'))
  );
}

const causeMessage = (error: Error) => (error.cause instanceof Error ? `: ${error.cause.message}` : '');

/**
 * What an openid-client failure means for the person signing in. The provider being down
 * (or answering 5xx, or with no usable discovery document) is 502; an answer that fails a
 * check (state, nonce, audience, issuer, signature, expiry) or a refused code is 401. Anything
 * else is our own bug and stays as it is.
 */
export function providerFailure(error: unknown, stage: 'discovery' | 'sign-in'): unknown {
  if (error instanceof AppError) return error;
  if (isUnreachable(error)) return unavailable(error.cause instanceof Error ? error.cause.message : error.message);
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status >= 500) return unavailable(`HTTP ${error.status}`);
    return new AppError(
      'auth_failed',
      `The provider refused the authorization code: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`,
    );
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return new AppError('auth_failed', `The provider did not sign you in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`);
  }
  if (error instanceof oidc.ClientError) {
    const status = error.cause instanceof Response ? error.cause.status : null;
    if (stage === 'discovery' || (status !== null && status >= 500))
      return unavailable(status === null ? `${error.message}${causeMessage(error)}` : `HTTP ${status}`);
    return new AppError('auth_failed', `The provider's answer was refused: ${error.message}${causeMessage(error)}.`);
  }
  return error;
}
