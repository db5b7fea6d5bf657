import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { buildOpenApiDocument } from '@atelier/contracts';
import type { ApiServices } from '../services.ts';
import { DOCS_CONTENT_SECURITY_POLICY, docsInitScript, docsPageHtml } from '../docs/docsPage.ts';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = require('../../package.json') as { version: string };
/** The package's files the page loads; nothing else of the package is served. */
const swaggerUiFiles = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

/** `GET /api/openapi.json` (built once from the contracts' route table) and the browsable reference at `/api/docs`. */
export function docsRoutes(services: ApiServices) {
  const document = JSON.stringify(buildOpenApiDocument({ version, serverUrl: services.config.PUBLIC_URL }));

  return async (app: FastifyInstance) => {
    await app.register(fastifyStatic, { root: swaggerUiDir, serve: false, cacheControl: false });

    app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(document));

    app.get('/api/docs', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
        .header('cache-control', 'no-cache')
        .send(docsPageHtml),
    );

    app.get('/api/docs/init.js', async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(docsInitScript),
    );

    for (const file of swaggerUiFiles) {
      app.get(`/api/docs/${file}`, async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').sendFile(file));
    }
  };
}
