import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import type { ApiServices } from './services.ts';
import { registerErrorHandler } from './plugins/errorHandler.ts';
import { generateRoutes } from './routes/generateRoutes.ts';
import { webhookRoutes } from './routes/webhookRoutes.ts';
import { jobRoutes } from './routes/jobRoutes.ts';
import { healthRoutes } from './routes/healthRoutes.ts';
import { fileRoutes } from './routes/fileRoutes.ts';
import { assetRoutes } from './routes/assetRoutes.ts';
import { uploadRoutes } from './routes/uploadRoutes.ts';
import { creditRoutes } from './routes/creditRoutes.ts';
import { billingRoutes } from './routes/billingRoutes.ts';
import { queueRoutes } from './routes/queueRoutes.ts';
import { modelRoutes } from './routes/modelRoutes.ts';
import { authRoutes } from './routes/authRoutes.ts';
import { meRoutes } from './routes/meRoutes.ts';
import { keyRoutes } from './routes/keyRoutes.ts';
import { adminRoutes } from './routes/adminRoutes.ts';
import { registerRateLimits } from './plugins/rateLimit.ts';
import { staticRoutes } from './routes/staticRoutes.ts';
import { RequestLogController } from './requestLogController.ts';
import { redirectLoopbackAliases } from './plugins/canonicalLoopback.ts';
import { queueAdminRoutes } from './routes/queueAdminRoutes.ts';
import { logUserOfEveryRequest } from './plugins/userLogContext.ts';
import { registerMetrics } from './metrics/metricsEndpoint.ts';
import { registerSecurityHeaders } from './plugins/securityHeaders.ts';
import { rejectUnstorableJson } from './plugins/unstorableJson.ts';
import { docsRoutes } from './routes/docsRoutes.ts';

/** How often Node looks for sockets past their header or request timeout (its default, 30 s, would let one stay that much longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface BuildAppOptions {
  /** Told of every route as it is added (the test that holds the API's document to the routes it serves). */
  onRoute?: (route: RouteOptions) => void;
}

/** The HTTP app, separate from `listen()`, so tests can `inject()` or listen on port 0. */
export async function buildApp(services: ApiServices, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.log,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    // A client trickling its headers or body holds a socket: cut it. A stream's request is
    // over once sent, so these never cut an event stream (its reply is what lasts).
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    // A request id that follows a job from the API to the worker's logs.
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
    },
    requestIdHeader: false,
    logController: new RequestLogController(),
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.decorateRequest('user', null);
  app.decorateRequest('apiKey', null);
  app.decorateRequest('apiKeyToken', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandler(app);
  redirectLoopbackAliases(app, services.config.PUBLIC_URL);
  registerSecurityHeaders(app, config);
  rejectUnstorableJson(app);
  logUserOfEveryRequest(app);
  registerMetrics(app, services.metrics);
  // At the root, so `requireUser` in every route plugin can read the session cookie.
  await app.register(fastifyCookie);
  // Before the routes: it hooks every route added after it.
  await registerRateLimits(app, services);
  await app.register(healthRoutes(services));
  await app.register(generateRoutes(services));
  await app.register(jobRoutes(services));
  await app.register(webhookRoutes(services));
  await app.register(fileRoutes(services));
  await app.register(assetRoutes(services));
  await app.register(uploadRoutes(services));
  await app.register(creditRoutes(services));
  await app.register(billingRoutes(services));
  await app.register(queueRoutes(services));
  await app.register(modelRoutes(services));
  await app.register(authRoutes(services));
  await app.register(meRoutes(services));
  await app.register(keyRoutes(services));
  await app.register(adminRoutes(services));
  await app.register(queueAdminRoutes(services));
  await app.register(docsRoutes(services));
  // A catch-all GET: it takes only what no other route matches (the landing page, /app).
  await app.register(staticRoutes(services));
  return app;
}
