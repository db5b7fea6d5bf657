import type { ErrorCode } from '@atelier/contracts';

/** An answer of the API that is an error: its HTTP status and the stable `code` from the API's registry. */
export class AtelierApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AtelierApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The connection, not the API, failed: no answer came (or the stream broke past its retries). */
export class AtelierNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AtelierNetworkError';
  }
}
