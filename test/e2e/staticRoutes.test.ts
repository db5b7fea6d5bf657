import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform } from '../support/platform.ts';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './support/builds.ts';

// How the API serves the two builds: the landing page at /, the app at /app with its client
// routes, hashed files cached for a year, HTML revalidated, anything else the API's JSON 404.

const IMMUTABLE = 'public, max-age=31536000, immutable';

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cache: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
    body: await response.text(),
  };
}

describe('the builds, served by the API', () => {
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    await ensureBuilt();
    platform = await TestPlatform.start();
    base = platform.baseUrl;
  }, BUILD_TIMEOUT_MS + 30_000);
  afterAll(async () => platform?.stop());

  it('serves the landing page at / and its hashed files for a year', async () => {
    const page = await get(`${base}/`);
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-cache' });
    expect(page.body).toContain('<h1');
    const asset = /(?:src|href)="(\/_astro\/[^"]+)"/.exec(page.body)?.[1];
    expect(asset, 'the landing page links a file under /_astro').toBeDefined();
    expect(await get(base + asset)).toMatchObject({ status: 200, cache: IMMUTABLE });
    // HTML is revalidated, cheaply (as a browser does: fetch() would add `cache-control: no-cache`).
    const again = await fetch(`${base}/`, { headers: { 'if-none-match': page.etag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('serves the app at /app, /app/ and any client route, and its hashed bundle for a year', async () => {
    const shell = await get(`${base}/app/`);
    expect(shell).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-cache' });
    expect(shell.body).toContain('<div id="root">');
    for (const path of ['/app', '/app/gallery?kind=video', '/app/credits', '/app/no/such/page']) {
      expect(await get(base + path), path).toMatchObject({ status: 200, cache: 'no-cache', body: shell.body });
    }
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(shell.body)?.[1];
    expect(script).toBeDefined();
    expect(await get(base + script)).toMatchObject({ status: 200, type: expect.stringMatching(/javascript/), cache: IMMUTABLE });
  });

  it('answers what is not a file with the JSON 404, never cached, and never leaves the folders', async () => {
    for (const path of [
      '/app/assets/index-missing.js',
      '/_astro/missing.webp',
      '/no-such-page',
      '/api/no-such-route',
      '/app/../package.json',
      '/%2e%2e/package.json',
      '/app/%2e%2e/%2e%2e/package.json',
    ]) {
      const answer = await get(base + path);
      expect(answer.status, path).toBe(404);
      expect(answer.type, path).toMatch(/^application\/json/);
      expect(answer.cache, path).not.toBe(IMMUTABLE);
      expect(answer.body, path).not.toContain('"workspaces"');
    }
    // The API's own routes are untouched by the catch-all.
    expect((await get(`${base}/api/me`)).status).toBe(401);
    expect((await get(`${base}/healthz`)).body).toBe('{"status":"ok"}');
    const post = await fetch(`${base}/app/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});

describe('without a build', () => {
  let platform: TestPlatform;
  let empty: string;

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'atelier-no-build-'));
    platform = await TestPlatform.start({ WEB_DIST_DIR: join(empty, 'web'), LANDING_DIST_DIR: join(empty, 'landing') });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(empty, { recursive: true, force: true });
  });

  it('says so at / and /app, and the API works as ever', async () => {
    for (const [path, what] of [
      ['/', 'landing page'],
      ['/app', 'web app'],
      ['/app/gallery', 'web app'],
    ] as const) {
      const answer = await get(platform.baseUrl + path);
      expect(answer).toMatchObject({ status: 503, type: 'text/html; charset=utf-8', cache: 'no-store' });
      expect(answer.body).toContain(`The ${what} is not built`);
      expect(answer.body).toContain('npm run build');
    }
    expect((await get(`${platform.baseUrl}/app/assets/index.js`)).status).toBe(404);
    expect((await get(`${platform.baseUrl}/healthz`)).status).toBe(200);
    expect((await get(`${platform.baseUrl}/api/me`)).status).toBe(401);
  });
});
