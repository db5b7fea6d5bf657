import type { Plan } from '@atelier/contracts';
import type { Queryable } from './pool.ts';

export interface User {
  id: string;
  email: string;
  name: string | null;
  avatarUrl: string | null;
  oidcSubject: string | null;
  plan: Plan;
  credits: number;
  disabledAt: Date | null;
  createdAt: Date;
}

export const userColumns = (t = 'users') =>
  `${t}.id, ${t}.email, ${t}.name, ${t}.avatar_url AS "avatarUrl", ${t}.oidc_subject AS "oidcSubject", ${t}.plan,
   ${t}.credits, ${t}.disabled_at AS "disabledAt", ${t}.created_at AS "createdAt"`;

/** A new user with their starting grant, in one statement: the balance and its ledger row together. */
export async function createUser(
  db: Queryable,
  input: { email: string; plan: Plan; credits: number; name?: string | null; avatarUrl?: string | null; oidcSubject?: string | null },
): Promise<User> {
  const { rows } = await db.query<User>(
    `WITH u AS (
       INSERT INTO users (email, plan, credits, name, avatar_url, oidc_subject)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *
     ), g AS (
       INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, reason)
       SELECT id, 'grant', credits, 'user:' || id || ':starting-grant', 'Starting credits' FROM u WHERE credits > 0
     )
     SELECT ${userColumns('u')} FROM u`,
    [input.email, input.plan, input.credits, input.name ?? null, input.avatarUrl ?? null, input.oidcSubject ?? null],
  );
  return rows[0]!;
}

export async function findUserById(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${userColumns()} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${userColumns()} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0] ?? null;
}
