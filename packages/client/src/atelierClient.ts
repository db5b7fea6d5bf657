import type { AssetView, ErrorCode, ImageParams, JobKind, JobPage, JobView, SubmitAnswer, VideoParams, VoiceParams } from '@atelier/contracts';
import { AtelierApiError, AtelierNetworkError } from './atelierApiError.ts';
import { followJobStream, type JobStreamMessage, type StreamOptions } from './jobStream.ts';

export interface AtelierClientOptions {
  /** Where the API is (`https://atelier.example.com`); '' in a browser on the API's own origin. */
  baseUrl: string;
  /** An API key (`atl_…`); without one, a browser sends its session cookie. */
  apiKey?: string;
  /** Another fetch (a test's checking one, a proxy's); the global one by default. */
  fetch?: typeof fetch;
}

export interface SubmitBody<K extends JobKind = JobKind> {
  prompt: string;
  params?: Partial<{ image: ImageParams; video: VideoParams; voice: VoiceParams }[K]>;
  /** Fields other parts of the API add (`model`, `webhook`…), passed through as they are. */
  [field: string]: unknown;
}

export interface SubmitOptions {
  /** Replays with the same key and body get the first answer again. */
  idempotencyKey?: string;
  /** `Prefer: wait=N` (1 to 60 s): answer once the job has finished, or after N seconds with the job as it stands. */
  waitSeconds?: number;
  signal?: AbortSignal;
}

/** A model of the catalog (`GET /api/models`). */
export interface ModelInfo {
  id: string;
  kind: JobKind;
  name: string;
  description: string;
  default: boolean;
  params: Record<string, unknown>;
  price: Record<string, unknown>;
  available: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Atelier's API, typed. Every failure the API answers is an `AtelierApiError` with its stable
 * `code`; a connection that fails is an `AtelierNetworkError`.
 */
export class AtelierClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly auth: Record<string, string>;

  constructor(options: AtelierClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound: a browser's fetch called as a method of another object throws "Illegal invocation".
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.auth = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** The model catalog (public). */
  async models(): Promise<ModelInfo[]> {
    return (await this.call<{ items: ModelInfo[] }>('GET', '/api/models')).items;
  }

  async submit<K extends JobKind>(kind: K, body: SubmitBody<K>, options: SubmitOptions = {}): Promise<SubmitAnswer> {
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (options.waitSeconds !== undefined) headers.prefer = `wait=${options.waitSeconds}`;
    return this.call('POST', `/api/generate/${encodeURIComponent(kind)}`, { headers, body: JSON.stringify(body), signal: options.signal });
  }

  async get(jobId: string): Promise<JobView> {
    return (await this.call<{ job: JobView }>('GET', `/api/jobs/${encodeURIComponent(jobId)}`)).job;
  }

  /** Cancels a queued or running job; its reservation is refunded. */
  async cancel(jobId: string): Promise<JobView> {
    return (await this.call<{ job: JobView }>('DELETE', `/api/jobs/${encodeURIComponent(jobId)}`)).job;
  }

  /** One page of the caller's jobs, newest first; pass `nextCursor` back for the next. */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<JobPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const search = query.size > 0 ? `?${query}` : '';
    return this.call('GET', `/api/jobs${search}`);
  }

  /** Uploads an image (PNG, JPEG or WebP) to use as a job's input. */
  async upload(file: Blob, filename = 'upload'): Promise<AssetView> {
    const form = new FormData();
    form.append('file', file, filename);
    return (await this.call<{ asset: AssetView }>('POST', '/api/uploads', { body: form })).asset;
  }

  /** The job's events until its terminal status, resuming across dropped connections. */
  stream(jobId: string, options: StreamOptions = {}): AsyncGenerator<JobStreamMessage> {
    return followJobStream(async (lastEventId, signal) => {
      const headers: Record<string, string> = { ...this.auth, accept: 'text/event-stream' };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await this.send('GET', `/api/generate/${encodeURIComponent(jobId)}/stream`, { headers, signal });
      if (response.status >= 500) throw new AtelierNetworkError(`the job stream answered ${response.status}`);
      if (!response.ok) throw await apiError(response);
      return response;
    }, options);
  }

  /** Follows the job to its end, then returns it as it ended. */
  async waitFor(jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobView> {
    for await (const _message of this.stream(jobId, options)) {
      // Only the end matters here.
    }
    return this.get(jobId);
  }

  private async send(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal } = {}): Promise<Response> {
    try {
      return await this.fetch(this.baseUrl + path, { method, headers: { ...this.auth, ...init.headers }, body: init.body, signal: init.signal });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new AtelierNetworkError(`${method} ${path}: no answer`, { cause: error });
    }
  }

  private async call<T>(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal } = {}): Promise<T> {
    const response = await this.send(method, path, init);
    if (!response.ok) throw await apiError(response);
    return (await response.json()) as T;
  }
}

async function apiError(response: Response): Promise<AtelierApiError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: ErrorCode; message: string; details?: unknown } };
    return new AtelierApiError(response.status, error.code, error.message, error.details);
  } catch {
    // Not the API's JSON (a proxy's page): the status is all there is.
    return new AtelierApiError(response.status, 'internal', `HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
}
