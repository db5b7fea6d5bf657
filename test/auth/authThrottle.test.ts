import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema, buildApp, createApiServices, type ApiServices } from '@atelier/api';
import { parseConfig } from '@atelier/config';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { MockProvider } from './support/mockProvider.ts';

const FAILURES = 20;
const LOGIN_STARTS = 5;
const LOGIN_STATES = 12;

let provider: MockProvider;
let platform: TestPlatform;
let alice: TestUser;
/** A second API process's services and app, in this process: the two share only Redis and PostgreSQL. */
let second: { services: ApiServices; app: FastifyInstance; baseUrl: string };

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start({
    ...provider.env(),
    // Each test speaks for a client address of its own, as a proxy in front would say it.
    TRUST_PROXY: 'true',
    AUTH_FAILURE_MAX: String(FAILURES),
    LOGIN_START_MAX: String(LOGIN_STARTS),
    LOGIN_STATES_MAX: String(LOGIN_STATES),
  });
  alice = await platform.createUser();
  const services = createApiServices(parseConfig(apiConfigSchema, { ...platform.env, PORT: '0' }), pino({ level: 'silent' }));
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  second = { services, app, baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
});
afterAll(async () => {
  await second?.app.close();
  await second?.services.close();
  await platform?.stop();
  await provider?.stop();
});

/** Statements the API processes send PostgreSQL from now on. */
function countQueries(): () => number {
  let count = 0;
  for (const pool of [platform.services!.pool, second.services.pool]) {
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      count++;
      return query(...args);
    }) as typeof pool.query;
  }
  return () => count;
}

const me = (baseUrl: string, address: string, key: string) =>
  fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': address } });
const wrongKey = (i: number) => `atl_${String(i).padStart(43, 'x')}`;

describe('failed authentication is throttled per client address, across API processes', () => {
  it('600 wrong keys from one address: the first FAILURES are 401, then 429 with Retry-After, and PostgreSQL is asked about FAILURES times', async () => {
    const queries = countQueries();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 600; i++) {
      // Half to each process: they agree through Redis.
      const answer = await me(i % 2 === 0 ? platform.baseUrl : second.baseUrl, '203.0.113.7', wrongKey(i));
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter ??= answer.headers.get('retry-after');
      await answer.arrayBuffer();
    }
    expect(statuses.slice(0, FAILURES).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(FAILURES).every((status) => status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // Each process looks one key up past the limit before it learns (from Redis) that the address is refused.
    expect(queries()).toBeLessThanOrEqual(FAILURES + 2);

    // Another address is not refused: a good key works there.
    expect((await me(platform.baseUrl, '198.51.100.1', alice.apiKey)).status).toBe(200);
  });

  it('a repeated wrong key is remembered: asked once, however often it comes', async () => {
    const queries = countQueries();
    for (let i = 0; i < FAILURES - 5; i++) expect((await me(platform.baseUrl, '198.51.100.2', wrongKey(-1))).status).toBe(401);
    expect(queries()).toBe(1);
  });

  it('a key with junk after it is refused', async () => {
    const answer = await fetch(`${platform.baseUrl}/api/me`, { headers: { authorization: `Bearer ${alice.apiKey} junk`, 'x-forwarded-for': '198.51.100.3' } });
    expect(answer.status).toBe(401);
    expect((await fetch(`${platform.baseUrl}/api/me`, { headers: { authorization: `bearer  ${alice.apiKey}` } })).status).toBe(200);
  });
});

describe('starting a sign-in (/auth/google)', () => {
  const loginKeys = async () => {
    const keys = await platform.redis.keys(`${platform.env.QUEUE_PREFIX}:login:*`);
    return keys;
  };
  const start = (address: string, accept = '*/*') =>
    fetch(`${platform.baseUrl}/auth/google`, { redirect: 'manual', headers: { 'x-forwarded-for': address, accept } });

  it('is throttled per address: past LOGIN_START_MAX a 429 page with Retry-After', async () => {
    for (let i = 0; i < LOGIN_STARTS; i++) expect((await start('192.0.2.1')).status).toBe(302);
    const refused = await start('192.0.2.1', 'text/html');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('Too many sign-in attempts');
    expect((await start('192.0.2.2')).status).toBe(302);
  });

  it('keeps at most LOGIN_STATES_MAX logins in progress, each expiring in 10 minutes', async () => {
    let accepted = (await loginKeys()).length;
    let refused: Response | null = null;
    for (let i = 0; i < LOGIN_STATES + 5 && refused === null; i++) {
      const answer = await start(`192.0.2.${100 + i}`);
      if (answer.status === 302) accepted++;
      else refused = answer;
    }
    expect(accepted).toBe(LOGIN_STATES);
    expect(refused?.status).toBe(429);
    const keys = await loginKeys();
    expect(keys).toHaveLength(LOGIN_STATES);
    for (const key of keys) {
      const ttl = await platform.redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    }
  });
});
