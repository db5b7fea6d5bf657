import type { FastifyRequest } from 'fastify';
import { AppError } from '@atelier/contracts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for requests a browser's cookie authenticates: a state-changing request must
 * carry an `Origin` equal to this site's. Browsers send `Origin` on every cross-site and
 * same-site POST, PUT, PATCH and DELETE and a page cannot forge it, so a missing one is
 * refused too. API-key requests never come here: a key is not sent by the browser on its own.
 */
export function assertSameOrigin(request: FastifyRequest, siteOrigin: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers.origin !== siteOrigin) {
    throw new AppError(
      'csrf_rejected',
      `A ${request.method} with a session cookie must come from ${siteOrigin}; its Origin was ${request.headers.origin ?? 'missing'}.`,
    );
  }
}
