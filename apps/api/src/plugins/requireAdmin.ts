import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@atelier/contracts';
import type { ApiServices } from '../services.ts';
import { currentUser, requireUser } from './authenticate.ts';

/**
 * A preHandler for /api/admin routes: the caller is authenticated as `requireUser` does it
 * (API key or session cookie, with its CSRF check), and their email is one of ADMIN_EMAILS.
 * Sign-in only accepts provider-verified emails and emails are unique, so an email names one
 * person. No credentials: 401; a user who is not an admin: 403 `forbidden`.
 */
export function requireAdmin(services: ApiServices) {
  const authenticate = requireUser(services);
  const admins = new Set(services.config.ADMIN_EMAILS);

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await authenticate(request, reply);
    if (!admins.has(currentUser(request).email.toLowerCase())) throw new AppError('forbidden', 'Only administrators may do that.');
  };
}
