import type { FastifyInstance } from 'fastify';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
/** What a person opens in a browser; the API, file links, metrics and health checks answer on any name. */
const isPage = (path: string) => path === '/' || path === '/app' || path.startsWith('/app/') || path.startsWith('/auth/');

/**
 * Where a browser's request for `url` should go instead, when it came to another loopback
 * name of this very server than PUBLIC_URL's (127.0.0.1 for localhost, say): the same path on
 * PUBLIC_URL. Sign-in needs one name: its cookie is kept per host and the provider sends the
 * person back to PUBLIC_URL, so a sign-in begun on 127.0.0.1 came back to a localhost that
 * had no cookie ("This sign-in has expired"). Null when nothing should move.
 */
export function canonicalLoopbackUrl(publicUrl: URL, host: string | undefined, url: string): string | null {
  if (!host || host === publicUrl.host || !LOOPBACK_NAMES.has(publicUrl.hostname)) return null;
  let requested: URL;
  try {
    requested = new URL(`${publicUrl.protocol}//${host}`);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
  if (!LOOPBACK_NAMES.has(requested.hostname) || requested.port !== publicUrl.port) return null;
  if (!isPage(new URL(url, publicUrl).pathname)) return null;
  return new URL(url, publicUrl).href;
}

/** Sends pages asked for by another loopback name to PUBLIC_URL (307: nothing cached, the method kept). */
export function redirectLoopbackAliases(app: FastifyInstance, publicUrl: string): void {
  const canonical = new URL(publicUrl);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const target = canonicalLoopbackUrl(canonical, request.headers.host, request.url);
    if (target) return reply.redirect(target, 307);
  });
}
