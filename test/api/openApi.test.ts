import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, errorCodes, fastifyPath, type ApiRoute } from '@atelier/contracts';
import { buildApp } from '@atelier/api';
import { Registry } from 'prom-client';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { assertDocumented, documentedFetch } from '../support/documentedAnswers.ts';

let platform: TestPlatform;
let alice: TestUser;
let document: {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; security: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
};

beforeAll(async () => {
  platform = await TestPlatform.start();
  alice = await platform.createUser({ credits: 100 });
  const response = await documentedFetch(`${platform.baseUrl}/api/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
});
afterAll(async () => platform?.stop());

/** Fastify's `/api/jobs/:id` as OpenAPI spells it; a `/*` is the parameter its route names as the rest of the path. */
const openApiPaths = new Map(apiRoutes.map((route) => [fastifyPath(route), route.path]));
const openApiPath = (url: string) => openApiPaths.get(url) ?? url.replace(/:(\w+)/g, '{$1}');

/** Not API routes: the landing page and web app behind the catch-all, and the docs page's own files. */
const pages = (url: string) => url === '*' || (url.startsWith('/api/docs/') && url !== '/api/docs');

describe('the OpenAPI document', () => {
  it('lists every route the server registers, with its method', async () => {
    const registered: { method: string; url: string }[] = [];
    // A second app on the platform's services, for its routes only (its own metrics registry: names are taken in the first).
    const app = await buildApp(
      { ...platform.services!, metrics: new Registry() },
      {
        onRoute: (route) => {
          for (const method of [route.method].flat()) if (method !== 'HEAD') registered.push({ method, url: route.url });
        },
      },
    );
    await app.close();
    expect(registered.length).toBeGreaterThan(30);
    const missing = registered.filter(({ method, url }) => !pages(url) && !document.paths[openApiPath(url)]?.[method.toLowerCase()]);
    expect(missing, 'routes the server serves that /api/openapi.json does not describe: add them to packages/contracts/src/apiRoutes.ts').toEqual([]);
    const served = new Set(registered.map(({ method, url }) => `${method} ${openApiPath(url)}`));
    const phantom = apiRoutes.filter((route: ApiRoute) => !served.has(`${route.method} ${route.path}`));
    expect(phantom, 'documented routes the server does not serve').toEqual([]);
  });

  it('is OpenAPI 3.1 whose every $ref resolves', () => {
    expect(document.openapi).toBe('3.1.0');
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(document.components.schemas, ref).toHaveProperty(ref.slice('"$ref":"#/components/schemas/'.length, -1));
  });

  it('names every error code, and the auth of each route', () => {
    for (const code of Object.keys(errorCodes)) expect(document.info.description).toContain(`\`${code}\``);
    expect(document.components.schemas.ErrorCode).toMatchObject({ enum: Object.keys(errorCodes) });
    expect(document.paths['/api/jobs']!.get!.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(document.paths['/api/pricing']!.get!.security).toEqual([]);
    expect(Object.keys(document.paths['/api/generate/{kind}']!.post!.responses)).toEqual(expect.arrayContaining(['201', '202', '400', '402', '403']));
  });

  it("describes the stream's event types", () => {
    const stream = document.paths['/api/generate/{id}/stream']!.get!.responses['200']!.content!['text/event-stream']!.schema as { $ref: string };
    const union = document.components.schemas[stream.$ref.split('/').at(-1)!] as { oneOf: { $ref: string }[] };
    expect(union.oneOf.map((entry) => entry.$ref.split('/').at(-1)).sort()).toEqual(
      ['ErrorEvent', 'OutputEvent', 'PreviewEvent', 'ProgressEvent', 'QueueEvent', 'ResetEvent', 'SnapshotEvent', 'StatusEvent'].sort(),
    );
  });

  it('catches an answer that does not match its documented schema', async () => {
    const wrong = new Response(JSON.stringify({ items: [{ id: 'not a job' }], nextCursor: null }), { headers: { 'content-type': 'application/json' } });
    await expect(assertDocumented('GET', `${platform.baseUrl}/api/jobs`, wrong)).rejects.toThrow(/does not match its documented schema/);
    const undocumentedCode = new Response(JSON.stringify({ error: { code: 'billing_not_configured', message: 'x' } }), { status: 501 });
    await expect(assertDocumented('GET', `${platform.baseUrl}/api/jobs`, undocumentedCode)).rejects.toThrow(/not documented/);
    const right = await documentedFetch(`${platform.baseUrl}/api/jobs`, { headers: alice.headers });
    expect(right.status).toBe(200);
  });
});

describe('the reference page', () => {
  it('is served by the API with its own assets, under a CSP that allows only this origin', async () => {
    const page = await documentedFetch(`${platform.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/api/docs/'), asset).toBe(true);
      const response = await fetch(platform.baseUrl + asset);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });
});
