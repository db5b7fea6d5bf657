import type { Queryable } from './pool.ts';
import { userColumns, type User } from './users.ts';

/** Who the OpenID provider says signed in. `subject` is the `sub` claim: the only thing a user is found by. */
export interface OidcIdentity {
  subject: string;
  email: string;
  name: string | null;
  avatarUrl: string | null;
}

/**
 * The user with this OIDC subject, their profile refreshed from the provider's claims, or
 * null on a first sign-in. The email follows the provider's only when no other account
 * holds it: an address is unique here, and a clash must not lock this person out.
 */
export async function refreshOidcUser(db: Queryable, identity: OidcIdentity): Promise<User | null> {
  const { rows } = await db.query<User>(
    `UPDATE users SET
       name = coalesce($2, users.name),
       avatar_url = coalesce($3, users.avatar_url),
       email = CASE WHEN EXISTS (SELECT 1 FROM users other WHERE lower(other.email) = lower($4) AND other.id <> users.id)
                    THEN users.email ELSE $4 END
     WHERE oidc_subject = $1
     RETURNING ${userColumns()}`,
    [identity.subject, identity.name, identity.avatarUrl, identity.email],
  );
  return rows[0] ?? null;
}

/**
 * The account an operator made for this email (`atelier users create`) that nobody has signed
 * in to yet, now bound to this subject; null when there is none. Only for an email the
 * provider verified: whoever controls a verified address is who the operator made it for.
 * An account that already has a subject is never taken over this way.
 */
export async function claimUnclaimedUser(db: Queryable, identity: OidcIdentity): Promise<User | null> {
  const { rows } = await db.query<User>(
    `UPDATE users SET
       oidc_subject = $1,
       name = coalesce($2, users.name),
       avatar_url = coalesce($3, users.avatar_url)
     WHERE lower(email) = lower($4) AND oidc_subject IS NULL
     RETURNING ${userColumns()}`,
    [identity.subject, identity.name, identity.avatarUrl, identity.email],
  );
  return rows[0] ?? null;
}
