import { AppError, plans } from '@atelier/contracts';
import { createSession, createUser, inTransaction, refreshOidcUser, type OidcIdentity, type Pool, type Session, type User } from '@atelier/db';

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof Error && 'code' in error && error.code === '23505' && 'constraint' in error && error.constraint === constraint;
}

/**
 * The person the provider vouched for, found by OIDC subject (never by email) or created on
 * their first sign-in with the Free plan and its starting credits, and a new session for
 * them; in one transaction, so a refused sign-in leaves neither a user nor a session behind.
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
          `${identity.email} already belongs to an account that was not created by this sign-in; accounts are matched by the provider's subject, never by email alone.`,
        );
      }
      throw error;
    }
  }
}
