import type { FastifyRequest } from 'fastify';
import { AppError, apiRoutes, fastifyPath, type ApiKeyScope } from '@atelier/contracts';
import type { ApiKeyGrant } from '@atelier/db';

/** `GET /api/jobs/:id` → the scope the route table gives `GET /api/jobs/{id}`: one source for the docs and the check. */
const scopeByRoute = new Map<string, ApiKeyScope>(
  apiRoutes.flatMap((route) => (route.scope ? [[`${route.method} ${fastifyPath(route)}`, route.scope] as const] : [])),
);

/** 403 `api_key_scope_missing` when the route needs a scope the request's API key lacks. */
export function assertKeyScope(request: FastifyRequest, key: ApiKeyGrant): void {
  // HEAD is GET without the body: it needs what GET needs.
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const scope = scopeByRoute.get(`${method} ${request.routeOptions.url}`);
  if (scope && !key.scopes.includes(scope)) throw new AppError('api_key_scope_missing', `This API key lacks the "${scope}" scope.`);
}
