import type { Queryable } from './pool.ts';

export interface StoredResponse {
  requestHash: Buffer;
  statusCode: number;
  response: unknown;
}

/**
 * Claim `key` for this request, inside the submit transaction. Returns null when the key is
 * new (the caller goes on and stores its response), or what the first request stored. A twin
 * racing on the same key blocks on the primary key until the first commits or rolls back.
 */
export async function claimIdempotencyKey(db: Queryable, userId: string, key: string, requestHash: Buffer): Promise<StoredResponse | null> {
  const inserted = await db.query(`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
    userId,
    key,
    requestHash,
  ]);
  if (inserted.rowCount === 1) return null;
  const { rows } = await db.query<StoredResponse>(
    `SELECT request_hash AS "requestHash", status_code AS "statusCode", response FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
    [userId, key],
  );
  return rows[0] ?? null;
}

export async function storeIdempotentResponse(db: Queryable, userId: string, key: string, jobId: string, statusCode: number, response: unknown): Promise<void> {
  await db.query(`UPDATE idempotency_keys SET job_id = $3, status_code = $4, response = $5 WHERE user_id = $1 AND key = $2`, [
    userId,
    key,
    jobId,
    statusCode,
    JSON.stringify(response),
  ]);
}

/** Keys are kept at least `minAgeHours`; older ones may go. */
export async function deleteOldIdempotencyKeys(db: Queryable, minAgeHours: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [minAgeHours]);
  return rowCount ?? 0;
}
