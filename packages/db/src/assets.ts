import type { AssetRecipe, AssetSource, JobKind } from '@atelier/contracts';
import type { Queryable } from './pool.ts';
import { pageOf, type KeysetCursor, type Page } from './cursor.ts';

export interface AssetRow {
  id: string;
  userId: string;
  /** Null for an upload: no job made it. */
  jobId: string | null;
  source: AssetSource;
  kind: JobKind;
  /** The catalog id of the model that made it (its job's); null for an upload. */
  model: string | null;
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

// The model is its job's: one primary-key lookup per asset, and no second copy to keep in step (none for an upload).
const assetColumns = `id, user_id AS "userId", job_id AS "jobId", source, kind,
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

export interface UploadedAsset {
  id: string;
  userId: string;
  storageKey: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
  blurhash: string;
}

/** A person's own picture, kept as an image asset with no job and no prompt. */
export async function insertUploadedAsset(db: Queryable, asset: UploadedAsset): Promise<AssetRow> {
  const { rows } = await db.query<AssetRow>(
    `INSERT INTO workspace_assets (id, user_id, job_id, source, kind, storage_key, content_type, bytes, width, height, blurhash, prompt)
     VALUES ($1, $2, NULL, 'upload', 'image', $3, $4, $5, $6, $7, $8, '')
     RETURNING ${assetColumns}`,
    [asset.id, asset.userId, asset.storageKey, asset.contentType, asset.bytes, asset.width, asset.height, asset.blurhash],
  );
  return rows[0]!;
}

/** What made an asset (the recipe's shape is in contracts); null for an upload. */
export async function findAssetRecipe(db: Queryable, asset: AssetRow): Promise<AssetRecipe | null> {
  if (asset.jobId === null) return null;
  const { rows } = await db.query<AssetRecipe>(
    `SELECT id AS "jobId", kind, model, prompt, cost, params, inputs, parent_asset_id AS "parentAssetId" FROM generation_jobs WHERE id = $1 AND user_id = $2`,
    [asset.jobId, asset.userId],
  );
  return rows[0] ?? null;
}

export interface LineageEntry {
  asset: AssetRow;
  /** Steps away from the asset asked about: 1 is its parent or its child. */
  depth: number;
}

/** How far lineage is followed each way: deep enough for any loop a person works in, bounded for a hostile one. */
const LINEAGE_MAX_DEPTH = 50;
const LINEAGE_MAX_DESCENDANTS = 500;

/**
 * An asset's ancestors (its parent, the parent's parent …, nearest first) and descendants (the
 * assets of every job made from it, and theirs, breadth first). A job's parent is the asset it
 * was made from: the one it varies, upscales or animates, or the picture it takes as input.
 * Only the owner's assets are followed.
 */
export async function findAssetLineage(db: Queryable, userId: string, assetId: string): Promise<{ ancestors: LineageEntry[]; descendants: LineageEntry[] }> {
  const { rows } = await db.query<AssetRow & { depth: number; direction: 'up' | 'down' }>(
    `WITH RECURSIVE up(id, depth) AS (
       SELECT j.parent_asset_id, 1 FROM workspace_assets a JOIN generation_jobs j ON j.id = a.job_id
        WHERE a.id = $1 AND a.user_id = $2 AND j.parent_asset_id IS NOT NULL
       UNION ALL
       SELECT j.parent_asset_id, up.depth + 1 FROM up
         JOIN workspace_assets a ON a.id = up.id JOIN generation_jobs j ON j.id = a.job_id
        WHERE j.parent_asset_id IS NOT NULL AND up.depth < $3
     ), down(id, depth) AS (
       SELECT a.id, 1 FROM generation_jobs j JOIN workspace_assets a ON a.job_id = j.id
        WHERE j.parent_asset_id = $1 AND j.user_id = $2
       UNION ALL
       SELECT a.id, down.depth + 1 FROM down
         JOIN generation_jobs j ON j.parent_asset_id = down.id JOIN workspace_assets a ON a.job_id = j.id
        WHERE down.depth < $3
     )
     SELECT ${assetColumns}, depth, 'up' AS direction FROM up JOIN workspace_assets USING (id) WHERE user_id = $2
     UNION ALL
     (SELECT ${assetColumns}, depth, 'down' AS direction FROM down JOIN workspace_assets USING (id) WHERE user_id = $2
      ORDER BY depth, created_at, id LIMIT $4)
     ORDER BY direction DESC, depth, "createdAt", id`,
    [assetId, userId, LINEAGE_MAX_DEPTH, LINEAGE_MAX_DESCENDANTS],
  );
  const entry = ({ depth, direction: _, ...asset }: (typeof rows)[number]): LineageEntry => ({ asset, depth });
  return {
    ancestors: rows.filter((row) => row.direction === 'up').map(entry),
    descendants: rows.filter((row) => row.direction === 'down').map(entry),
  };
}
