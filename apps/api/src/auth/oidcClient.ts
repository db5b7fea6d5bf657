import * as oidc from 'openid-client';
import { AppError } from '@atelier/contracts';
import type { OidcIdentity } from '@atelier/db';
import type { ApiConfig } from '../config.ts';
import { providerFailure } from './providerFailure.ts';

/** `atelier up` registers this same path with its development provider. */
export const CALLBACK_PATH = '/auth/google/callback';
const SCOPE = 'openid email profile';
/** A person is waiting on a redirect: a provider slower than this counts as down. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** What the callback must match, made when the login starts and kept server-side until then. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

type OidcSettings = Pick<ApiConfig, 'OIDC_ISSUER_URL' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'PUBLIC_URL' | 'NODE_ENV'>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function httpUrl(value: unknown): string | null {
  const text = optionalString(value);
  return text !== null && /^https?:\/\//i.test(text) ? text : null;
}

/**
 * The OpenID Connect relying party: authorization code flow with PKCE, state and nonce.
 * The ID token's issuer, audience, expiry and nonce are checked by openid-client on every
 * code exchange; its signature too, because non-repudiation checks are turned on (the
 * library otherwise trusts a token that came straight over TLS from the token endpoint).
 */
export class OidcClient {
  readonly redirectUri: string;
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(private readonly settings: OidcSettings) {
    this.redirectUri = new URL(CALLBACK_PATH, settings.PUBLIC_URL).href;
  }

  /**
   * Discovery on first use, shared by concurrent callers and kept: a provider that is down
   * at start-up fails sign-in only, and a failed discovery is forgotten so the next sign-in
   * tries again.
   */
  private configuration(): Promise<oidc.Configuration> {
    const { OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = this.settings;
    if (!clientId || !clientSecret)
      return Promise.reject(new AppError('auth_not_configured', 'Sign-in is not configured: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.'));
    if (!this.discovered) {
      const issuer = new URL(this.settings.OIDC_ISSUER_URL);
      const execute = [oidc.enableNonRepudiationChecks];
      // Plain http only for a provider on this machine (tests, `atelier up`), never in production.
      if (issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname) && this.settings.NODE_ENV !== 'production') {
        execute.push(oidc.allowInsecureRequests);
      }
      this.discovered = oidc.discovery(issuer, clientId, clientSecret, undefined, { execute, timeout: PROVIDER_TIMEOUT_SECONDS }).catch((error: unknown) => {
        this.discovered = null;
        throw providerFailure(error, 'discovery');
      });
    }
    return this.discovered;
  }

  /** The provider's authorization URL to send the browser to, and the checks to keep for the callback. */
  async start(): Promise<{ url: URL; checks: LoginChecks }> {
    const configuration = await this.configuration();
    const checks: LoginChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /**
   * Exchange the callback's code and check everything the provider said. `query` is the
   * callback's raw query string; the URL is rebuilt on the registered redirect URI so the
   * one sent to the token endpoint is exactly the one the login started with.
   */
  async finish(query: string, checks: LoginChecks): Promise<OidcIdentity> {
    const configuration = await this.configuration();
    const callbackUrl = new URL(this.redirectUri);
    callbackUrl.search = query;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      // Google puts the profile in the ID token; a strictly conforming provider (such as the
      // development one) gives it only at the userinfo endpoint.
      const profile = optionalString(claims.email) === null ? await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub) : claims;
      return identityFrom(claims.sub, profile);
    } catch (error) {
      throw providerFailure(error, 'sign-in');
    }
  }
}

function identityFrom(subject: string, profile: Record<string, unknown>): OidcIdentity {
  const email = optionalString(profile.email);
  if (email === null) throw new AppError('auth_failed', 'The provider did not share an email address; allow the email scope and sign in again.');
  // Addresses are unique here and name admins (ADMIN_EMAILS): only the boolean `true` vouches
  // for one. A provider that leaves the claim out, or sends it as a string, has not verified it.
  if (profile.email_verified !== true) throw new AppError('auth_failed', `The provider has not verified ${email}; verify it there and sign in again.`);
  return { subject, email, name: optionalString(profile.name), avatarUrl: httpUrl(profile.picture) };
}
