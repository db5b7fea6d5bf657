import { errorCodes, isErrorCode } from '@atelier/contracts';

/**
 * An API failure with a stable `code` and a human `message`. The API answers every error as
 * `{ error: { code, message } }`; anything else (a proxy's HTML page, a dropped connection)
 * becomes an ApiError too, so the UI only ever shows `message`.
 */
export class ApiError extends Error {
  readonly code: string;
  /** HTTP status, or 0 when no answer came at all. */
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export const networkError = (): ApiError => new ApiError('network_error', "Can't reach Atelier. Check your connection and try again.", 0);

export const badResponse = (status: number): ApiError => new ApiError('bad_response', 'The server sent an answer this app does not understand.', status);

/** Turn a failed response (status and raw body text) into an ApiError. Never throws. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  const body = parseJson(bodyText);
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (error) {
    const code = typeof error.code === 'string' && error.code ? error.code : `http_${status}`;
    const message =
      typeof error.message === 'string' && error.message.trim() ? error.message : isErrorCode(code) ? errorCodes[code].message : fallbackMessage(status);
    return new ApiError(code, message, status);
  }
  if (status === 401) return new ApiError('unauthenticated', errorCodes.unauthenticated.message, status);
  return new ApiError(`http_${status}`, fallbackMessage(status), status);
}

function fallbackMessage(status: number): string {
  if (status >= 500) return `The server had a problem (HTTP ${status}). Try again shortly.`;
  if (status === 404) return 'The server does not offer this (HTTP 404). Is the Atelier API running?';
  return `The server refused the request (HTTP ${status}).`;
}

export const isUnauthenticated = (error: unknown): boolean => error instanceof ApiError && error.code === 'unauthenticated';

/** A message fit to show a person, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong in the app. Reload the page and try again.';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON: the caller falls back to a message made from the status
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
