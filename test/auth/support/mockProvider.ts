import { OAuth2Server, type MutableResponse, type MutableToken } from 'oauth2-mock-server';

export const CLIENT_ID = 'atelier-test-client';
export const CLIENT_SECRET = 'atelier-test-client-secret';

export interface Identity {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  picture?: string;
}

/**
 * A real OpenID provider on loopback (oauth2-mock-server): discovery, JWKS, authorize with
 * PKCE, token endpoint signing real RS256 ID tokens. Who signs in next is `identity`; a test
 * tampers with the next ID token or token response to see the API refuse it.
 */
export class MockProvider {
  readonly server = new OAuth2Server();
  identity: Identity = { sub: 'nobody', email: 'nobody@example.com', email_verified: true };
  private readonly idTokenTampers: ((token: MutableToken) => void)[] = [];

  static async start(port = 0): Promise<MockProvider> {
    const provider = new MockProvider();
    await provider.server.issuer.keys.generate('RS256');
    await provider.server.start(port, '127.0.0.1');
    provider.server.service.on('beforeTokenSigning', (token: MutableToken) => {
      // The access token has no audience here; the ID token's is the client id.
      if (token.payload.aud === undefined) return;
      Object.assign(token.payload, provider.identity);
      provider.idTokenTampers.shift()?.(token);
    });
    return provider;
  }

  get issuer(): string {
    return this.server.issuer.url!;
  }

  get port(): number {
    return Number(new URL(this.issuer).port);
  }

  env(): NodeJS.ProcessEnv {
    return { OIDC_ISSUER_URL: this.issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET };
  }

  tamperNextIdToken(tamper: (token: MutableToken) => void): void {
    this.idTokenTampers.push(tamper);
  }

  tamperNextTokenResponse(tamper: (response: MutableResponse) => void): void {
    this.server.service.once('beforeResponse', tamper);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
