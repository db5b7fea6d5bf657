import type { FastifyReply, FastifyRequest } from 'fastify';
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
    /** The API key itself, for a stream to check again when its owner changes; null for a session. */
    apiKeyToken: string | null;
  }
}

/** `Bearer <token>` and nothing else: a header with more after the token is not one we understand. */
const BEARER = /^bearer +(\S+) *$/i;

function bearerToken(header: string): string | null {
  return BEARER.exec(header)?.[1] ?? null;
}

/**
 * A preHandler: who is calling, by API key (`Authorization: Bearer`) or by session cookie,
 * in one query either way. A request that sends an Authorization header is judged by it
 * alone: a bad key is 401 even beside a good cookie. Cookie-authenticated writes must come
 * from this site's origin (403 `csrf_rejected`). No credentials is 401; a disabled account 403;
 * an API key without the scope the route needs 403 `api_key_scope_missing`.
 * Credentials that name nobody are counted per client address (`services.authFailures`): past
 * the limit that address is refused with 429 before anything is looked up.
 */
export function requireUser(services: ApiServices) {
  const cookies = new AuthCookies(services.config.PUBLIC_URL);
  const siteOrigin = new URL(services.config.PUBLIC_URL).origin;

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authorization = request.headers.authorization;
    const sessionId = request.cookies[cookies.session];
    if (authorization === undefined && !sessionId) throw new AppError('unauthenticated');
    services.authFailures.assertAllowed(request.ip, reply);
    let user: User | null = null;
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      const keyUser = token === null ? null : await services.authCache.userFor(token);
      if (keyUser) {
        const { apiKey, ...owner } = keyUser;
        user = owner;
        request.apiKey = apiKey;
        request.apiKeyToken = token;
      }
    } else {
      user = await findUserBySession(services.pool, sessionId!);
      if (user) assertSameOrigin(request, siteOrigin);
    }
    if (!user) {
      await services.authFailures.count(request.ip, reply);
      throw new AppError('unauthenticated');
    }
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
