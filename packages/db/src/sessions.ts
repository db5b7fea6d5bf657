import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';
import { userColumns, type User } from './users.ts';

const hashSessionId = (id: string): Buffer => createHash('sha256').update(id).digest();

/** How many expired sessions one sign-in clears away: enough to keep up, bounded so a sign-in stays quick. */
const EXPIRED_SWEEP_BATCH = 100;

export interface Session {
  /** The opaque id for the cookie. Only its hash is stored, so this is the one time it is known. */
  id: string;
  userId: string;
  expiresAt: Date;
}

/**
 * A new session for the user, in one statement. The session the browser held before (if
 * any) ends in the same statement, so signing in always rotates the id: a session id
 * planted before sign-in is worth nothing after it.
 */
export async function createSession(db: Queryable, userId: string, ttlSeconds: number, replacesId: string | null = null): Promise<Session> {
  const id = randomBytes(32).toString('base64url');
  const { rows } = await db.query<{ expiresAt: Date }>(
    `WITH replaced AS (
       DELETE FROM sessions WHERE id_hash = $4
     ), swept AS (
       DELETE FROM sessions WHERE id_hash IN (
         SELECT id_hash FROM sessions WHERE expires_at <= now() ORDER BY expires_at LIMIT ${EXPIRED_SWEEP_BATCH}
       )
     )
     INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     RETURNING expires_at AS "expiresAt"`,
    [hashSessionId(id), userId, ttlSeconds, replacesId === null ? null : hashSessionId(replacesId)],
  );
  return { id, userId, expiresAt: rows[0]!.expiresAt };
}

/** The user behind a live session, or null for an unknown or expired one. One indexed lookup. */
export async function findUserBySession(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<User>(
    `SELECT ${userColumns()} FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.id_hash = $1 AND sessions.expires_at > now()`,
    [hashSessionId(id)],
  );
  return rows[0] ?? null;
}

/** True when there was such a session. */
export async function deleteSession(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE id_hash = $1', [hashSessionId(id)]);
  return rowCount === 1;
}
