/**
 * The one registry of error codes. The API's JSON errors, the SSE `error` events and the
 * job rows all use these codes; only the HTTP layer turns them into statuses.
 */
export const errorCodes = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  validation_failed: { status: 400, message: 'The request does not match the expected shape.' },
  unknown_kind: { status: 404, message: 'There is no such kind of generation.' },
  unknown_model: { status: 400, message: 'There is no such model; GET /api/models lists them.' },
  model_kind_mismatch: { status: 400, message: 'This model makes another kind of result.' },
  model_not_found: { status: 404, message: 'There is no such model.' },
  unauthenticated: { status: 401, message: 'Sign in or send a valid API key.' },
  forbidden: { status: 403, message: 'This account may not do that.' },
  account_disabled: { status: 403, message: 'This account is disabled.' },
  csrf_rejected: { status: 403, message: 'The request did not come from this site.' },
  not_found: { status: 404, message: 'Not found.' },
  job_not_found: { status: 404, message: 'There is no such job.' },
  asset_not_found: { status: 404, message: 'There is no such asset.' },
  api_key_not_found: { status: 404, message: 'There is no such API key.' },
  route_not_found: { status: 404, message: 'There is no such route.' },
  body_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  upload_not_image: { status: 400, message: 'The file is not a PNG, JPEG or WebP picture.' },
  upload_corrupt: { status: 400, message: 'The picture could not be decoded; it may be truncated or damaged.' },
  upload_too_large: { status: 413, message: 'The file is larger than 20 MB.' },
  image_too_large: { status: 413, message: 'The picture is larger than 4096×4096 pixels.' },
  input_not_accepted: { status: 400, message: "This model takes no input of that name; GET /api/models lists each model's inputs." },
  input_required: { status: 400, message: 'This model needs an input that the request does not name.' },
  input_not_image: { status: 400, message: 'This input must be an image asset.' },
  asset_not_variable: { status: 400, message: 'Only a generated result can be varied, not an upload.' },
  variation_not_supported: { status: 400, message: 'This model cannot make that kind of variation; GET /api/models lists what each can.' },
  insufficient_credits: { status: 402, message: 'Not enough credits for this job.' },
  key_spend_cap_reached: { status: 402, message: 'This job would take the API key past its monthly credit cap.' },
  api_key_scope_missing: { status: 403, message: 'This API key lacks the scope this route needs.' },
  prefer_wait_invalid: { status: 400, message: 'Prefer: wait must be a whole number of seconds from 1 to 60.' },
  idempotency_key_reused: { status: 422, message: 'This Idempotency-Key was used with a different request.' },
  job_not_cancelable: { status: 409, message: 'The job has already finished.' },
  job_not_retryable: { status: 409, message: 'Only a failed job can be retried.' },
  too_many_active_jobs: { status: 429, message: 'Too many jobs are running at once for this plan.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  link_expired: { status: 403, message: 'This link has expired.' },
  link_invalid: { status: 403, message: 'This link is not valid.' },
  queue_unavailable: { status: 503, message: 'The job queue is unavailable; try again shortly.' },
  database_unavailable: { status: 503, message: 'The database is unavailable; try again shortly.' },
  auth_failed: { status: 401, message: 'Sign-in failed.' },
  auth_provider_unavailable: { status: 502, message: 'The sign-in provider did not answer.' },
  auth_not_configured: { status: 501, message: 'Sign-in is not configured on this server.' },
  email_in_use: { status: 409, message: 'Another account already uses this email address.' },
  billing_not_configured: { status: 501, message: 'Billing is not configured on this server.' },
  webhook_url_invalid: { status: 400, message: 'The webhook URL is malformed or uses a scheme this server does not allow.' },
  webhook_url_refused: {
    status: 400,
    message: 'The webhook URL resolves to an address this server does not call (loopback, private, link-local, multicast or metadata).',
  },
  webhook_signature_invalid: { status: 400, message: 'The webhook signature is not valid.' },
  webhook_event_malformed: { status: 400, message: 'The webhook event is signed but not shaped as Stripe documents it.' },
  plan_already_active: { status: 409, message: 'This account is already on that plan.' },
  billing_provider_failed: { status: 502, message: 'The payment provider did not answer as expected; try again shortly.' },
  billing_customer_unknown: { status: 409, message: 'This Stripe customer is not linked to a user yet; Stripe will deliver the event again.' },
  // Job failures: stored on the job row and sent as SSE `error` events.
  output_too_large: { status: 400, message: 'The output would be larger than 4096 px a side.' },
  engine_failed: { status: 500, message: 'The generation engine failed.' },
  invalid_output: { status: 500, message: 'The engine produced an invalid file.' },
  content_policy: { status: 400, message: 'The prompt was refused by the content policy.' },
  provider_rate_limited: { status: 503, message: 'The provider is rate limiting; the job will retry.' },
  provider_auth_failed: { status: 500, message: 'The provider refused the configured credentials.' },
  provider_unavailable: { status: 503, message: 'The provider is unavailable.' },
  timeout: { status: 504, message: 'The job ran past its time limit.' },
  job_stalled: { status: 500, message: 'The job stopped its worker too many times and was given up.' },
  storage_unavailable: { status: 503, message: 'The output could not be stored; the job will retry.' },
  canceled: { status: 409, message: 'The job was canceled.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** A failure with a stable code. Domain code throws these; the HTTP layer maps them. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorCodes[code].message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}

/**
 * A job failure with a stable code. `retryable: false` tells the worker to fail the job at
 * once (BullMQ's UnrecoverableError) instead of spending its remaining attempts.
 */
export class JobError extends AppError {
  readonly retryable: boolean;

  constructor(code: ErrorCode, message?: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message);
    this.name = 'JobError';
    this.retryable = options.retryable ?? false;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
