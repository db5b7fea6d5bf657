import { AppError, plans } from '@atelier/contracts';
import {
  claimUnclaimedUser,
  isUniqueViolation,
  createSession,
  createUser,
  inTransaction,
  refreshOidcUser,
  type OidcIdentity,
  type Pool,
  type Session,
  type User,
} from '@atelier/db';

/**
 * The person the provider vouched for, found by OIDC subject; on their first sign-in, the
 * account an operator made for their (verified) email and nobody has signed in to yet, or
 * else a new one with the Free plan and its starting credits; and a new session for them. In
 * one transaction, so a refused sign-in leaves neither a user nor a session behind.
 */
export async function signIn(
  pool: Pool,
  identity: OidcIdentity,
  options: { ttlSeconds: number; replacesSessionId: string | null },
): Promise<{ user: User; session: Session }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(pool, async (client) => {
        const user =
          (await refreshOidcUser(client, identity)) ??
          (await claimUnclaimedUser(client, identity)) ??
          (await createUser(client, {
            email: identity.email,
            name: identity.name,
            avatarUrl: identity.avatarUrl,
            oidcSubject: identity.subject,
            plan: 'free',
            credits: plans.free.startingCredits,
          }));
        if (user.disabledAt) throw new AppError('account_disabled');
        const session = await createSession(client, user.id, options.ttlSeconds, options.replacesSessionId);
        return { user, session };
      });
    } catch (error) {
      // Two first sign-ins of one person at once: the second finds the first's row on a retry.
      if (attempt === 1 && isUniqueViolation(error, 'users_oidc_subject_key')) continue;
      if (isUniqueViolation(error, 'users_email_key')) {
        throw new AppError(
          'email_in_use',
          `${identity.email} already belongs to an account that signs in with another login; sign in with that one. Accounts are matched by the provider's subject, never by email alone.`,
        );
      }
      throw error;
    }
  }
}
