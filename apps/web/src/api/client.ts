import { ApiError, badResponse, errorFromResponse, networkError } from './errors.ts';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** `none`: the answer's body is not read (e.g. sign-out, which may redirect). */
  expect?: 'json' | 'none';
  signal?: AbortSignal;
}

/**
 * Fetch from the API on the same origin (the session cookie goes along). Resolves with the
 * parsed JSON body; rejects with an ApiError carrying the API's code and message.
 */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, expect = 'json', signal } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  // Every POST and PATCH carries a JSON body (an empty object at least): the API accepts JSON only.
  const payload = method === 'POST' || method === 'PATCH' ? JSON.stringify(body ?? {}) : undefined;
  if (payload !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkError();
  }

  if (!response.ok) throw errorFromResponse(response.status, await readText(response));
  if (expect === 'none' || response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw badResponse(response.status);
  }
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    return ''; // the body was cut off; the status alone still makes a message
  }
}

export { ApiError };
