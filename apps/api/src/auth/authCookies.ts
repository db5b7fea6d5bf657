import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * The two cookies of signing in: the session, and the short-lived login in progress. Both
 * hold only an opaque random id. `SameSite=Lax` still sends them on the provider's top-level
 * redirect back to the callback; on https the `__Host-` prefix makes the browser refuse a
 * copy set by a sibling subdomain or over plain http.
 */
export class AuthCookies {
  readonly session: string;
  readonly login: string;
  private readonly secure: boolean;

  constructor(publicUrl: string) {
    this.secure = new URL(publicUrl).protocol === 'https:';
    const prefix = this.secure ? '__Host-' : '';
    this.session = `${prefix}atelier_session`;
    this.login = `${prefix}atelier_login`;
  }

  options(maxAgeSeconds?: number): CookieSerializeOptions {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }) };
  }
}
