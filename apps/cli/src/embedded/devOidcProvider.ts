import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { ClaimsParameterMember, KoaContextWithOIDC } from 'oidc-provider';

export const DEV_CLIENT_ID = 'atelier-dev';

export interface DevOidcProvider {
  issuer: string;
  /** What the API needs to use this provider. */
  env: { OIDC_ISSUER_URL: string; OIDC_CLIENT_ID: string; OIDC_CLIENT_SECRET: string };
  close(): Promise<void>;
}

/** "alice@example.com" signs in as that address; a bare "alice" as alice@localhost. */
function devClaims(login: string) {
  const email = login.includes('@') ? login : `${login}@localhost`;
  return { sub: login, email, email_verified: true, name: email.slice(0, email.indexOf('@')) };
}

/**
 * oidc-provider warns on every start that its development interactions and in-memory storage
 * are on ("quick start development-only"), some of it at its first request. Here they are the
 * point, and this provider refuses to run in production; a warning on every `npm start` that
 * is about no problem only teaches people to ignore warnings. So, while the provider runs,
 * those lines are dropped; its other warnings (an unsupported Node, say) pass. Returns the
 * function that puts console.warn back.
 */
function dropDevelopmentOnlyWarnings(): () => void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('quick start development-only')) warn(...args);
  };
  return () => {
    console.warn = warn;
  };
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as { port: number }).port;
}

/**
 * A real OpenID Connect provider (oidc-provider) on loopback, so a person can sign in on their
 * own machine through the same code flow as with Google. Its development interactions take
 * any login and any password: that is the point, and why it refuses to run in production.
 * Keys, the client secret and cookie keys are new on every start; sessions at the provider
 * do not outlive it.
 */
export async function startDevOidcProvider(options: { redirectUri: string; nodeEnv?: string; port?: number }): Promise<DevOidcProvider> {
  if (options.nodeEnv === 'production') {
    throw new Error(
      'The development sign-in provider lets anyone sign in as anyone, so it does not run with NODE_ENV=production. Set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (and OIDC_ISSUER_URL if not Google).',
    );
  }
  // Loaded here, not at the top: every `atelier` command imports this file through `up`.
  const { default: Provider } = await import('oidc-provider');
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const restoreWarnings = dropDevelopmentOnlyWarnings();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'atelier-dev', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      return { accountId: id, claims: (_use: string, _scope: string, _claims: { [key: string]: ClaimsParameterMember | null }) => devClaims(id) };
    },
    features: { devInteractions: { enabled: true } },
    // Stated, so the provider does not print a notice for each default it falls back to.
    ttl: { Interaction: 3600, Session: 14 * 24 * 3600, Grant: 14 * 24 * 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
  });
  server.on('request', provider.callback());

  let closed: Promise<void> | null = null;
  return {
    issuer,
    env: { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: DEV_CLIENT_ID, OIDC_CLIENT_SECRET: clientSecret },
    // Once, however many of `atelier up`'s children exit and ask for it.
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }).finally(restoreWarnings)),
  };
}
