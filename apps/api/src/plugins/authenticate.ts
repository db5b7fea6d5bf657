import type { FastifyRequest } from 'fastify';
import { AppError } from '@atelier/contracts';
import { findUserBySession, type ApiKeyGrant, type User } from '@atelier/db';
import type { ApiServices } from '../services.ts';
import { AuthCookies } from '../auth/authCookies.ts';
import { assertSameOrigin } from '../auth/sameOrigin.ts';
import { assertKeyScope } from './apiKeyScopes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The API key the request came with; null for a session. */
    apiKey: ApiKeyGrant | null;
  }
}

function bearerToken(header: string): string | null {
  const [scheme, token] = header.split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && token ? token.trim() : null;
}

/**
 * A preHandler: who is calling, by API key (`Authorization: Bearer`) or by session cookie,
 * in one query either way. A request that sends an Authorization header is judged by it
 * alone: a bad key is 401 even beside a good cookie. Cookie-authenticated writes must come
 * from this site's origin (403 `csrf_rejected`). No credentials is 401; a disabled account 403;
 * an API key without the scope the route needs 403 `api_key_scope_missing`.
 */
export function requireUser(services: ApiServices) {
  const cookies = new AuthCookies(services.config.PUBLIC_URL);
  const siteOrigin = new URL(services.config.PUBLIC_URL).origin;

  return async (request: FastifyRequest): Promise<void> => {
    const authorization = request.headers.authorization;
    const sessionId = request.cookies[cookies.session];
    let user: User | null = null;
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      const keyUser = token === null ? null : await services.authCache.userFor(token);
      if (keyUser) {
        const { apiKey, ...owner } = keyUser;
        user = owner;
        request.apiKey = apiKey;
      }
    } else if (sessionId) {
      user = await findUserBySession(services.pool, sessionId);
      if (user) assertSameOrigin(request, siteOrigin);
    }
    if (!user) throw new AppError('unauthenticated');
    if (user.disabledAt) throw new AppError('account_disabled');
    request.user = user;
    if (request.apiKey) assertKeyScope(request, request.apiKey);
  };
}

/** The caller, for handlers behind `requireUser`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new AppError('unauthenticated');
  return request.user;
}
