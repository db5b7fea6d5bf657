import type { TestPlatform, TestUser } from './platform.ts';
import { documentedFetch } from './documentedAnswers.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** POST a JSON body as a user and read the JSON answer (checked against the API's document). */
export async function postJson<T = Record<string, unknown>>(
  platform: TestPlatform,
  user: TestUser,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  const response = await documentedFetch(platform.baseUrl + path, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(platform: TestPlatform, user: TestUser, path: string): Promise<ApiAnswer<T>> {
  const response = await documentedFetch(platform.baseUrl + path, { headers: user.headers });
  return { status: response.status, body: (await response.json()) as T };
}
