import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendJobEvent } from '@atelier/queue';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { postJson } from '../support/api.ts';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

let platform: TestPlatform;
let bob: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start({ HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  bob = await platform.createUser();
});
afterAll(async () => platform?.stop());

/** A job stream read raw: everything it has sent so far, and when it ended. */
async function openStream(jobId: string, key: string) {
  const response = await fetch(`${platform.baseUrl}/api/generate/${jobId}/stream`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  let text = '';
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 100 && !pattern.test(text); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(text).toMatch(pattern);
  };
  return { text: () => text, ended, waitFor, cancel: () => reader.cancel() };
}

describe('a job stream lasts only as long as its API key', () => {
  it('ends at its next event once its key is revoked (by any process); a stream on another key of the user goes on, past the request timeout', async () => {
    const second = await postJson<{ key: string; apiKey: { id: string } }>(platform, bob, '/api/keys', { name: 'to revoke' });
    expect(second.status).toBe(201);
    const submitted = await postJson<{ job: { id: string } }>(platform, bob, '/api/generate/image', { prompt: 'a lighthouse' });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.job.id;
    const opened = Date.now();
    const doomed = await openStream(jobId, second.body.key);
    const kept = await openStream(jobId, bob.apiKey);
    await doomed.waitFor(/event: snapshot/);
    await kept.waitFor(/event: snapshot/);

    // As another API process or the database itself would: PostgreSQL's notice tells this one.
    await platform.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [second.body.apiKey.id]);
    for (let i = 0; i < 100; i++) {
      const answer = await fetch(`${platform.baseUrl}/api/me`, { headers: { authorization: `Bearer ${second.body.key}` } });
      if (answer.status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await appendJobEvent(platform.services!.redis, jobId, { type: 'progress', percent: 10 });
    await doomed.ended;
    expect(doomed.text()).not.toMatch(/event: progress/);
    await kept.waitFor(/"percent":10/);

    // The request timeout cuts slow requests, not long answers.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opened + REQUEST_TIMEOUT_MS + 500 - Date.now())));
    await appendJobEvent(platform.services!.redis, jobId, { type: 'progress', percent: 20 });
    await kept.waitFor(/"percent":20/);
    await kept.cancel();

    const again = await fetch(`${platform.baseUrl}/api/generate/${jobId}/stream`, { headers: { authorization: `Bearer ${second.body.key}` } });
    expect(again.status).toBe(401);
  });
});

describe('what every answer says about itself', () => {
  it.each(['/', '/app', '/app/gallery', '/api/me', '/healthz'])('%s: Content-Security-Policy, X-Frame-Options, nosniff', async (path) => {
    const answer = await fetch(platform.baseUrl + path);
    await answer.arrayBuffer();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    if (answer.headers.get('content-type')?.startsWith('text/html')) expect(policy).toContain("script-src 'self'");
    else expect(policy).toContain("default-src 'none'");
  });
});

describe('slow sockets are cut', () => {
  it('a client that never finishes its headers is answered 408 and disconnected', async () => {
    const url = new URL(platform.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const closedAfterMs = await new Promise<number>((resolve) => {
      const started = Date.now();
      socket.once('close', () => resolve(Date.now() - started));
    });
    expect(received).toMatch(/^HTTP\/1.1 408/);
    // Generous: the point is seconds, where Node's default waits a minute.
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000);
  });
});
