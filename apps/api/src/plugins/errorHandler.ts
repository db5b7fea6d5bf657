import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { AppError, type ErrorCode } from '@atelier/contracts';
import { isDatabaseUnavailable, isRejectedValue } from '@atelier/db';
import { isRedisUnavailable } from '@atelier/queue';

/** Fastify's own errors, by their code, as ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
};

/** Any error as the registered code it answers with. */
export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const first = details[0];
    return new AppError('validation_failed', first ? `${first.path || 'body'}: ${first.message}` : undefined, details);
  }
  if (error instanceof SyntaxError) return new AppError('invalid_json');
  if (isDatabaseUnavailable(error)) return new AppError('database_unavailable');
  if (isRejectedValue(error)) return new AppError('bad_request', `A value in the request cannot be stored: ${error.message}.`);
  if (isRedisUnavailable(error)) return new AppError('queue_unavailable');
  const code = 'code' in error ? fastifyCodes[error.code] : undefined;
  if (code) return new AppError(code);
  if ('statusCode' in error && error.statusCode === 429) return new AppError('rate_limited');
  if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) return new AppError('bad_request', error.message);
  return new AppError('internal');
}

/** Every error leaves as `{ error: { code, message } }`, with the status the code's registry entry gives. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    // A value PostgreSQL refused that no check caught first: a check is missing.
    else if (isRejectedValue(error)) request.log.warn({ err: error }, 'a request value reached the database unchecked');
    return reply.status(appError.status).send(appError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new AppError('route_not_found');
    return reply.status(error.status).send(error.toBody());
  });
}
