import type { JobKind } from '@atelier/contracts';
import type { Queryable } from './pool.ts';
import { pageOf, type KeysetCursor, type Page } from './cursor.ts';

export interface AssetRow {
  id: string;
  userId: string;
  jobId: string;
  kind: JobKind;
  /** The catalog id of the model that made it (its job's). */
  model: string;
  storageKey: string;
  posterKey: string | null;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  blurhash: string | null;
  peaks: number[] | null;
  prompt: string;
  createdAt: Date;
  createdAtText: string;
}

// The model is its job's: one primary-key lookup per asset, and no second copy to keep in step.
const assetColumns = `id, user_id AS "userId", job_id AS "jobId", kind,
  (SELECT model FROM generation_jobs g WHERE g.id = workspace_assets.job_id) AS model, storage_key AS "storageKey", poster_key AS "posterKey",
  content_type AS "contentType", bytes, width, height, duration_seconds AS "durationSeconds", blurhash, peaks, prompt,
  created_at AS "createdAt", created_at::text AS "createdAtText"`;

export async function findAssetForUser(db: Queryable, userId: string, id: string): Promise<AssetRow | null> {
  const { rows } = await db.query<AssetRow>(`SELECT ${assetColumns} FROM workspace_assets WHERE id = $1 AND user_id = $2`, [id, userId]);
  return rows[0] ?? null;
}

export async function listAssetsForUser(
  db: Queryable,
  userId: string,
  options: { limit: number; cursor: KeysetCursor | null; kind: JobKind | null },
): Promise<Page<AssetRow>> {
  const after = options.cursor;
  const { rows } = await db.query<AssetRow>(
    `SELECT ${assetColumns} FROM workspace_assets
     WHERE user_id = $1 AND ($2::job_kind IS NULL OR kind = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    [userId, options.kind, after?.createdAt ?? null, after?.id ?? null, options.limit + 1],
  );
  return pageOf(rows, options.limit);
}

/** Removes the row and returns it, so the caller can remove its objects. */
export async function deleteAssetForUser(db: Queryable, userId: string, id: string): Promise<AssetRow | null> {
  const { rows } = await db.query<AssetRow>(`DELETE FROM workspace_assets WHERE id = $1 AND user_id = $2 RETURNING ${assetColumns}`, [id, userId]);
  return rows[0] ?? null;
}

export async function findAssetOfJobForUser(db: Queryable, userId: string, jobId: string): Promise<AssetRow | null> {
  const { rows } = await db.query<AssetRow>(`SELECT ${assetColumns} FROM workspace_assets WHERE job_id = $1 AND user_id = $2`, [jobId, userId]);
  return rows[0] ?? null;
}
