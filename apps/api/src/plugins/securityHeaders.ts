import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config.ts';

/** JSON and everything else that is not a page: nothing may run or be framed in it. */
const NOT_A_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The landing page and the web app load their scripts, styles and fonts from this origin only
 * (Vite and Astro emit no inline script; Astro inlines one style block, React sets style
 * attributes). Media comes from wherever the store's signed links point: this origin for local
 * disk, the S3 endpoint or CDN otherwise, any https origin (a bucket's virtual-hosted name is
 * not known here), and the origins configured over plain http (a MinIO on the LAN).
 */
function pagePolicy(config: Pick<ApiConfig, 'PUBLIC_URL' | 'S3_ENDPOINT' | 'CDN_BASE_URL'>): string {
  const mediaOrigins = [config.PUBLIC_URL, config.S3_ENDPOINT, config.CDN_BASE_URL]
    .filter((url): url is string => url !== undefined)
    .map((url) => new URL(url).origin)
    .filter((origin) => origin.startsWith('http:'));
  const media = ["'self'", 'data:', 'blob:', 'https:', ...new Set(mediaOrigins)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media}`,
    `media-src ${media}`,
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Every answer says what it is (`nosniff`: a file is never run as what it was not sent as) and
 * may not be framed by another site (clickjacking); pages get a Content-Security-Policy that
 * runs only this origin's scripts. Event streams write their own headers and take none of this:
 * they are read by EventSource, never rendered.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: ApiConfig): void {
  const forPages = pagePolicy(config);
  // A callback hook, not an async one: it runs on every answer, and a promise each is not free.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = String(reply.getHeader('content-type') ?? '');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // A 304's headers replace the cached page's: it has no content type, and the JSON policy
    // it would get blocks every script of a reloaded page. The stored policy stands.
    if (reply.statusCode === 304) return done(null, payload);
    reply.header('content-security-policy', type.startsWith('text/html') ? forPages : NOT_A_PAGE_POLICY);
    done(null, payload);
  });
}
