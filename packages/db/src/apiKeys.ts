import { createHash, randomBytes } from 'node:crypto';
import { apiKeyScopes, type ApiKeyScope } from '@atelier/contracts';
import { preparedStatement, type Queryable } from './pool.ts';
import { userColumns, type User } from './users.ts';

const KEY_PREFIX = 'atl_';

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export interface ApiKeyLimits {
  scopes: ApiKeyScope[];
  /** Credits the key may reserve per calendar month (UTC); null: uncapped. */
  monthlyCreditCap: number | null;
}

export interface ApiKeyInfo extends ApiKeyLimits {
  id: string;
  prefix: string;
  name: string | null;
  /** Reserved through this key this calendar month (UTC), refunds given back. */
  spentThisMonth: number;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The key a request came with, as the API needs it beside its user. */
export interface ApiKeyGrant {
  id: string;
  scopes: ApiKeyScope[];
  monthlyCreditCap: number | null;
}

export type ApiKeyUser = User & { apiKey: ApiKeyGrant };

const currentMonth = `date_trunc('month', now() AT TIME ZONE 'UTC')::date`;

const infoColumns = `id, prefix, name, scopes, monthly_credit_cap AS "monthlyCreditCap",
  CASE WHEN spend_month = ${currentMonth} THEN month_spent ELSE 0 END AS "spentThisMonth",
  created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

const unlimited: ApiKeyLimits = { scopes: [...apiKeyScopes], monthlyCreditCap: null };

/** Returns the plaintext key: it is shown once and never stored. */
export async function createApiKey(
  db: Queryable,
  userId: string,
  name: string | null = null,
  limits: ApiKeyLimits = unlimited,
): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const { rows } = await db.query<ApiKeyInfo>(
    `INSERT INTO api_keys (user_id, prefix, key_hash, name, scopes, monthly_credit_cap) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${infoColumns}`,
    [userId, key.slice(0, KEY_PREFIX.length + 6), hashApiKey(key), name, limits.scopes, limits.monthlyCreditCap],
  );
  return { key, info: rows[0]! };
}

/** Changes what a live key of the user may do; null when there is no such key. */
export async function updateApiKeyLimits(db: Queryable, userId: string, keyId: string, limits: Partial<ApiKeyLimits>): Promise<ApiKeyInfo | null> {
  const { rows } = await db.query<ApiKeyInfo>(
    `UPDATE api_keys SET scopes = coalesce($3, scopes),
       monthly_credit_cap = CASE WHEN $4 THEN $5::integer ELSE monthly_credit_cap END
     WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
     RETURNING ${infoColumns}`,
    [keyId, userId, limits.scopes ?? null, limits.monthlyCreditCap !== undefined, limits.monthlyCreditCap ?? null],
  );
  return rows[0] ?? null;
}

const findUserByApiKeyStatement = preparedStatement(
  'find-user-by-api-key',
  `WITH k AS (
     SELECT id, user_id, last_used_at, scopes, monthly_credit_cap FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL
   ), touch AS (
     UPDATE api_keys SET last_used_at = now()
     FROM k WHERE api_keys.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
   )
   SELECT ${userColumns()}, json_build_object('id', k.id, 'scopes', k.scopes, 'monthlyCreditCap', k.monthly_credit_cap) AS "apiKey" FROM users JOIN k ON k.user_id = users.id`,
);

/**
 * The user a key belongs to, or null. Looked up by the key's SHA-256, so the comparison the
 * database does is on a hash the caller cannot steer: no timing oracle on the key itself.
 * The key's id and scopes come with the user. `last_used_at` is refreshed at most once a minute, in the same statement.
 */
export async function findUserByApiKey(db: Queryable, key: string): Promise<ApiKeyUser | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const { rows } = await db.query<ApiKeyUser>(findUserByApiKeyStatement([hashApiKey(key)]));
  return rows[0] ?? null;
}

export async function listApiKeys(db: Queryable, userId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<ApiKeyInfo>(
    `SELECT ${infoColumns}
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
