import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '@atelier/db';
import { TestPlatform } from '../support/platform.ts';
import { MockProvider } from './support/mockProvider.ts';
import { signInAs } from './support/signIn.ts';

/**
 * Who may see what, on every route that needs a user: no credentials is 401, a disabled
 * account is 403, and another user's job, asset or key is 404, exactly as if it did not
 * exist; by API key and by session cookie alike.
 */

interface Person {
  userId: string;
  cookie: string;
  key: string;
}

let provider: MockProvider;
let platform: TestPlatform;
let alice: Person;
let bob: Person;
let carol: Person;
const bobs = { job: '', asset: '', key: '' };

async function person(sub: string): Promise<Person> {
  const { userId, cookie } = await signInAs(provider, platform.baseUrl, { sub, email: `${sub}@example.com` });
  const { key } = await createApiKey(platform.pool, userId);
  return { userId, cookie, key };
}

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start(provider.env());
  [alice, bob, carol] = [await person('alice'), await person('bob'), await person('carol')];
  await platform.pool.query('UPDATE users SET disabled_at = now() WHERE id = $1', [carol.userId]);

  // Bob's things: a job submitted through the API, its files and asset as a worker would leave them.
  const submitted = await fetch(`${platform.baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'bob only' }),
  });
  expect(submitted.status).toBe(202);
  bobs.job = ((await submitted.json()) as { job: { id: string } }).job.id;
  const prefix = `users/${bob.userId}/jobs/${bobs.job}`;
  await platform.pool.query('UPDATE generation_jobs SET output_key = $2, preview_key = $3 WHERE id = $1', [
    bobs.job,
    `${prefix}/output.png`,
    `${prefix}/preview.png`,
  ]);
  const asset = await platform.pool.query(
    `INSERT INTO workspace_assets (user_id, job_id, kind, storage_key, poster_key, content_type, bytes, prompt)
     VALUES ($1, $2, 'image', $3, $4, 'image/png', 10, 'bob only') RETURNING id`,
    [bob.userId, bobs.job, `${prefix}/output.png`, `${prefix}/poster.png`],
  );
  bobs.asset = asset.rows[0].id;
  bobs.key = (await createApiKey(platform.pool, bob.userId)).info.id;
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

type Route = { method: string; path: string; body?: unknown; resource?: 'job' | 'asset' | 'key'; owner?: number };

/** Every route behind `requireUser`, with Bob's ids filled in; `owner` is what Bob himself gets. */
const routes = (): Route[] => [
  { method: 'GET', path: '/api/me', owner: 200 },
  { method: 'GET', path: '/api/jobs', owner: 200 },
  { method: 'GET', path: `/api/jobs/${bobs.job}`, resource: 'job', owner: 200 },
  { method: 'GET', path: `/api/jobs/${bobs.job}/output`, resource: 'job', owner: 302 },
  { method: 'GET', path: `/api/jobs/${bobs.job}/preview`, resource: 'job', owner: 302 },
  { method: 'GET', path: `/api/jobs/${bobs.job}/poster`, resource: 'job', owner: 302 },
  { method: 'GET', path: `/api/generate/${bobs.job}/stream`, resource: 'job' },
  { method: 'GET', path: `/api/jobs/${bobs.job}/webhooks`, resource: 'job', owner: 200 },
  { method: 'DELETE', path: `/api/jobs/${bobs.job}`, resource: 'job' },
  { method: 'POST', path: '/api/generate/image', body: { prompt: 'a cat' } },
  { method: 'GET', path: '/api/assets', owner: 200 },
  { method: 'GET', path: `/api/assets/${bobs.asset}`, resource: 'asset', owner: 200 },
  { method: 'GET', path: `/api/assets/${bobs.asset}/lineage`, resource: 'asset', owner: 200 },
  { method: 'POST', path: `/api/assets/${bobs.asset}/vary`, body: {}, resource: 'asset' },
  { method: 'GET', path: `/api/assets/${bobs.asset}/content`, resource: 'asset', owner: 302 },
  { method: 'GET', path: `/api/assets/${bobs.asset}/poster`, resource: 'asset', owner: 302 },
  { method: 'DELETE', path: `/api/assets/${bobs.asset}`, resource: 'asset' },
  { method: 'POST', path: '/api/uploads', body: {}, owner: 415 },
  { method: 'GET', path: '/api/credits', owner: 200 },
  { method: 'GET', path: '/api/webhooks/secret', owner: 200 },
  { method: 'POST', path: '/api/webhooks/secret/rotate', body: {}, owner: 200 },
  { method: 'GET', path: '/api/keys', owner: 200 },
  { method: 'POST', path: '/api/keys', body: {} },
  { method: 'PATCH', path: `/api/keys/${bobs.key}`, body: { scopes: ['read'] }, resource: 'key' },
  { method: 'DELETE', path: `/api/keys/${bobs.key}`, resource: 'key' },
  { method: 'POST', path: '/api/billing/checkout', body: {} },
  // Admin routes: Bob is no admin, so even he is refused.
  { method: 'GET', path: '/api/admin/dlq', owner: 403 },
  { method: 'POST', path: '/api/admin/dlq/retry-all', body: {}, owner: 403 },
  { method: 'POST', path: `/api/admin/dlq/${bobs.job}/retry`, body: {}, owner: 403 },
  { method: 'GET', path: '/api/admin/queue', owner: 403 },
  { method: 'GET', path: '/api/admin/workers', owner: 403 },
  { method: 'GET', path: '/api/admin/queue/unserved', owner: 403 },
  { method: 'POST', path: '/api/admin/queue/pause', body: {}, owner: 403 },
  { method: 'POST', path: '/api/admin/queue/resume', body: {}, owner: 403 },
  { method: 'PUT', path: '/api/admin/queue/concurrency', body: { perWorker: 2 }, owner: 403 },
];

/**
 * Routes anyone may call: health, metrics (for the scraper; kept off the public load balancer),
 * public prices, queue estimates and the model catalog, the signed webhook, sign-in itself, signed file links,
 * the API reference.
 */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /metrics',
  'GET /readyz',
  'GET /api/pricing',
  'GET /api/queue',
  // The model catalog (`/api/models*` is Fastify's wildcard route for one model, whose id holds slashes).
  'GET /api/models',
  'GET /api/models*',
  'POST /api/billing/webhook',
  'GET /auth/google',
  'GET /auth/google/callback',
  'POST /auth/logout',
  'GET /files/*',
  'GET *',
  // The API's own reference and the files of its page.
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/docs/init.js',
  'GET /api/docs/swagger-ui.css',
  'GET /api/docs/swagger-ui-bundle.js',
  'GET /api/docs/favicon-32x32.png',
]);

const byKey = (who: Person) => ({ authorization: `Bearer ${who.key}` });
const bySession = (who: Person) => ({ cookie: who.cookie, origin: platform.baseUrl });

async function call(route: Route, headers: Record<string, string>) {
  const response = await fetch(platform.baseUrl + route.path, {
    method: route.method,
    headers: route.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: route.body === undefined ? undefined : JSON.stringify(route.body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, code: text.startsWith('{') ? (JSON.parse(text) as { error?: { code: string } }).error?.code : undefined };
}

const label = (route: Route) => `${route.method} ${route.path.replaceAll(/[0-9a-f-]{36}/g, ':id')}`;

/** The registered routes as `METHOD /path/:` lines, read from Fastify's own route tree. */
function registeredRoutes(app: FastifyInstance): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ├└─]*)(\S+) \(([^)]+)\)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') found.push(`${method} ${stack.join('')}`);
  }
  return found.map((route) => route.replaceAll(/\/:[^/]+/g, '/:'));
}

describe('access rules', () => {
  it('cover every route the API has', () => {
    const app = (platform as unknown as { app: FastifyInstance }).app;
    const concrete = routes().map((route) => `${route.method} ${route.path}`);
    // A registered pattern is covered when a row above is an instance of it, or it is public.
    const uncovered = registeredRoutes(app).filter((pattern) => {
      if (PUBLIC.has(pattern)) return false;
      const matcher = new RegExp(`^${pattern.replaceAll('/:', '/[^/]+').replaceAll('*', '.*')}$`);
      return !concrete.some((route) => matcher.test(route));
    });
    expect(uncovered, 'new routes need a row in this file').toEqual([]);
  });

  it('no credentials is 401 unauthenticated on every route', async () => {
    for (const route of routes()) {
      expect(await call(route, {}), label(route)).toEqual({ status: 401, code: 'unauthenticated' });
    }
  });

  it('a disabled account is 403 account_disabled on every route, by key and by session', async () => {
    for (const route of routes()) {
      expect(await call(route, byKey(carol)), `${label(route)} by key`).toEqual({ status: 403, code: 'account_disabled' });
      expect(await call(route, bySession(carol)), `${label(route)} by session`).toEqual({ status: 403, code: 'account_disabled' });
    }
  });

  it("another user's job, asset or key is 404, by key and by session", async () => {
    const notFound = { job: 'job_not_found', asset: 'asset_not_found', key: 'api_key_not_found' };
    for (const route of routes().filter((r) => r.resource)) {
      const expected = { status: 404, code: notFound[route.resource!] };
      expect(await call(route, byKey(alice)), `${label(route)} by key`).toEqual(expected);
      expect(await call(route, bySession(alice)), `${label(route)} by session`).toEqual(expected);
    }
  });

  it("Bob's things are untouched by all that, and Bob himself gets them", async () => {
    for (const route of routes().filter((r) => r.owner !== undefined)) {
      expect((await call(route, byKey(bob))).status, `${label(route)} by key`).toBe(route.owner);
      expect((await call(route, bySession(bob))).status, `${label(route)} by session`).toBe(route.owner);
    }
    const job = await platform.pool.query('SELECT status FROM generation_jobs WHERE id = $1', [bobs.job]);
    expect(job.rows[0].status).toBe('queued');
  });

  it("lists never show another user's jobs, assets or keys", async () => {
    for (const who of [byKey(alice), bySession(alice)]) {
      for (const path of ['/api/jobs', '/api/assets', '/api/keys', '/api/credits']) {
        const text = await (await fetch(platform.baseUrl + path, { headers: who })).text();
        for (const id of [bobs.job, bobs.asset, bobs.key]) expect(text, path).not.toContain(id);
      }
    }
  });
});
