import { createHash, randomBytes } from 'node:crypto';
import { preparedStatement, type Queryable } from './pool.ts';
import { userColumns, type User } from './users.ts';

const KEY_PREFIX = 'atl_';

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Returns the plaintext key: it is shown once and never stored. */
export async function createApiKey(db: Queryable, userId: string, name: string | null = null): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const { rows } = await db.query<ApiKeyInfo>(
    `INSERT INTO api_keys (user_id, prefix, key_hash, name) VALUES ($1, $2, $3, $4)
     RETURNING id, prefix, name, created_at AS "createdAt", last_used_at AS "lastUsedAt"`,
    [userId, key.slice(0, KEY_PREFIX.length + 6), hashApiKey(key), name],
  );
  return { key, info: rows[0]! };
}

const findUserByApiKeyStatement = preparedStatement(
  'find-user-by-api-key',
  `WITH k AS (
     SELECT id, user_id, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL
   ), touch AS (
     UPDATE api_keys SET last_used_at = now()
     FROM k WHERE api_keys.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
   )
   SELECT ${userColumns()} FROM users JOIN k ON k.user_id = users.id`,
);

/**
 * The user a key belongs to, or null. Looked up by the key's SHA-256, so the comparison the
 * database does is on a hash the caller cannot steer: no timing oracle on the key itself.
 * `last_used_at` is refreshed at most once a minute, in the same statement.
 */
export async function findUserByApiKey(db: Queryable, key: string): Promise<User | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const { rows } = await db.query<User>(findUserByApiKeyStatement([hashApiKey(key)]));
  return rows[0] ?? null;
}

export async function listApiKeys(db: Queryable, userId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<ApiKeyInfo>(
    `SELECT id, prefix, name, created_at AS "createdAt", last_used_at AS "lastUsedAt"
     FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC`,
    [userId],
  );
  return rows;
}

/** True when the key existed, belonged to the user and was live. */
export async function revokeApiKey(db: Queryable, userId: string, keyId: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, [keyId, userId]);
  return rowCount === 1;
}
