import type { FastifyInstance } from 'fastify';
import { AppError } from '@atelier/contracts';
import { deleteSession } from '@atelier/db';
import type { ApiServices } from '../services.ts';
import { AuthCookies } from '../auth/authCookies.ts';
import { LOGIN_TTL_SECONDS, LoginStateStore } from '../auth/loginState.ts';
import { CALLBACK_PATH, OidcClient } from '../auth/oidcClient.ts';
import { assertSameOrigin } from '../auth/sameOrigin.ts';
import { signIn } from '../auth/signIn.ts';
import { signInErrorHandler } from '../auth/signInErrorPage.ts';

/** Sign-ins in progress are at their cap: by then some have finished or expired. */
const LOGINS_FULL_RETRY_AFTER_SECONDS = 60;

const queryString = (url: string) => {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start);
};

/** Sign in with the OpenID provider (Google in production), and sign out. */
export function authRoutes(services: ApiServices) {
  const { config } = services;
  const oidc = new OidcClient(config);
  const logins = new LoginStateStore(services.redis, config.QUEUE_PREFIX, config.LOGIN_STATES_MAX);
  const cookies = new AuthCookies(config.PUBLIC_URL);
  const siteOrigin = new URL(config.PUBLIC_URL).origin;

  return async (app: FastifyInstance) => {
    // Where a person's browser lands: refusals are pages (signInErrorPage.ts), not JSON.
    app.register(async (browserRoutes) => {
      browserRoutes.setErrorHandler(signInErrorHandler);

      browserRoutes.get('/auth/google', async (request, reply) => {
        await services.loginStarts.count(request.ip, reply);
        const { url, checks } = await oidc.start();
        const loginId = await logins.save(checks);
        if (loginId === null) {
          reply.header('retry-after', String(LOGINS_FULL_RETRY_AFTER_SECONDS));
          throw new AppError('rate_limited', 'Too many sign-ins are in progress right now; try again in a minute.');
        }
        return reply.header('cache-control', 'no-store').setCookie(cookies.login, loginId, cookies.options(LOGIN_TTL_SECONDS)).redirect(url.href, 302);
      });

      browserRoutes.get(CALLBACK_PATH, async (request, reply) => {
        const loginId = request.cookies[cookies.login];
        // Whatever happens next, this login attempt is over: it is taken from the store before any check.
        reply.clearCookie(cookies.login, cookies.options());
        const checks = loginId ? await logins.take(loginId) : null;
        if (!checks) throw new AppError('auth_failed', 'This sign-in has expired or was already used; start again.');
        const identity = await oidc.finish(queryString(request.url), checks);
        const { session } = await signIn(services.pool, identity, {
          ttlSeconds: config.SESSION_TTL_SECONDS,
          replacesSessionId: request.cookies[cookies.session] ?? null,
        });
        return reply
          .header('cache-control', 'no-store')
          .setCookie(cookies.session, session.id, cookies.options(config.SESSION_TTL_SECONDS))
          .redirect('/app', 302);
      });
    });

    app.post('/auth/logout', async (request, reply) => {
      const sessionId = request.cookies[cookies.session];
      if (sessionId) {
        assertSameOrigin(request, siteOrigin);
        await deleteSession(services.pool, sessionId);
      }
      return reply.clearCookie(cookies.session, cookies.options()).status(204).send();
    });
  };
}
