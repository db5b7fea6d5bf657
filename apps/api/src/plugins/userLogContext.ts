import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';

async function tagLogWithUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.user) return;
  // Fastify writes "request completed" with reply.log: both get the child.
  request.log = request.log.child({ user_id: request.user.id });
  reply.log = request.log;
}

/**
 * Every log line of an authenticated request, the handler's and Fastify's "request
 * completed", names its user as `user_id`. Added as the last route-level preHandler of every
 * route: route-level hooks run after the route plugin's own (`requireUser`), so the user is
 * known by then; public routes have none and log none. Call before the routes are registered.
 */
export function logUserOfEveryRequest(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [...existing, tagLogWithUser as preHandlerHookHandler];
  });
}
