import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LoginChecks } from './oidcClient.ts';

/** Long enough to pick an account and type a password; short enough that an abandoned login soon vanishes. */
export const LOGIN_TTL_SECONDS = 600;

/**
 * The state, nonce and PKCE verifier of logins in progress, in Redis with a TTL, keyed by
 * the hash of the opaque id the login cookie holds. Losing them (Redis lost) only means the
 * person signs in again.
 */
export class LoginStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private key(id: string): string {
    return `${this.keyPrefix}:login:${createHash('sha256').update(id).digest('base64url')}`;
  }

  /** Returns the id for the login cookie. */
  async save(checks: LoginChecks): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), JSON.stringify(checks), 'EX', LOGIN_TTL_SECONDS);
    return id;
  }

  /** GETDEL reads and removes in one step: of two callbacks with the same cookie, one at most gets the checks. */
  async take(id: string): Promise<LoginChecks | null> {
    const stored = await this.redis.getdel(this.key(id));
    return stored === null ? null : (JSON.parse(stored) as LoginChecks);
  }
}
