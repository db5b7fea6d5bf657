import type { FastifyRequest } from 'fastify';
import { AppError } from '@atelier/contracts';
import { findUserByApiKey, type User } from '@atelier/db';
import type { ApiServices } from '../services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && token ? token.trim() : null;
}

/** A preHandler: who is calling. No credentials or a bad key is 401; a disabled account is 403. */
export function requireUser(services: ApiServices) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const user = token === null ? null : await findUserByApiKey(services.pool, token);
    if (!user) throw new AppError('unauthenticated');
    if (user.disabledAt) throw new AppError('account_disabled');
    request.user = user;
  };
}

/** The caller, for handlers behind `requireUser`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new AppError('unauthenticated');
  return request.user;
}
