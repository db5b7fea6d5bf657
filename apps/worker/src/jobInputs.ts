import { JobError } from '@atelier/contracts';
import { findAssetForUser, type JobRow, type Pool } from '@atelier/db';
import type { EngineInput } from '@atelier/engines';
import type { ObjectStore } from '@atelier/storage';

/**
 * The files a job takes in, read from storage: its input picture (`inputs.image`, one of
 * the owner's assets, checked at submit). One deleted since is gone for every attempt.
 */
export async function readJobInputs(deps: { pool: Pool; store: ObjectStore }, job: JobRow): Promise<EngineInput<'image'>['inputs']> {
  const assetId = job.inputs.image;
  if (assetId === undefined) return undefined;
  const asset = await findAssetForUser(deps.pool, job.userId, assetId);
  const data = asset && (await readObject(deps.store, asset.storageKey));
  if (!asset || !data || asset.width === null || asset.height === null)
    throw new JobError('asset_not_found', `The input picture ${assetId} was deleted after the job was submitted.`);
  return { image: { data, contentType: asset.contentType, width: asset.width, height: asset.height } };
}

async function readObject(store: ObjectStore, key: string): Promise<Buffer | null> {
  try {
    return await store.read(key);
  } catch (error) {
    throw new JobError('storage_unavailable', `Could not read the input ${key}: ${(error as Error).message}`, { retryable: true, cause: error });
  }
}
