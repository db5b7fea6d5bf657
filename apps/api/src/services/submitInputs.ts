import { AppError, assertOutputFits, outputSizeFromInput, type CatalogModel, type PictureSize } from '@atelier/contracts';
import { findAssetForUser, type Queryable } from '@atelier/db';

export interface CheckedInputs {
  /** The input asset the result is made from: what lineage follows (null: the job takes none). */
  parentAssetId: string | null;
  /** The result's size where the input decides it (an upscale): what the price counts. */
  outputSize?: PictureSize;
}

/**
 * The assets a submit names, checked before any credit moves: each must be the caller's (an
 * asset of anyone else is as missing as one that never was), an image, and small enough that
 * the result stays within the limit.
 */
export async function checkInputs(db: Queryable, userId: string, model: CatalogModel, inputs: Record<string, string>): Promise<CheckedInputs> {
  let checked: CheckedInputs = { parentAssetId: null };
  for (const [name, assetId] of Object.entries(inputs)) {
    const asset = await findAssetForUser(db, userId, assetId);
    if (!asset) throw new AppError('asset_not_found', `inputs.${name}: there is no asset ${assetId}.`);
    if (asset.kind !== 'image' || asset.width === null || asset.height === null)
      throw new AppError(
        'input_not_image',
        `inputs.${name}: asset ${assetId} is ${asset.kind === 'image' ? 'a picture of unknown size' : `a ${asset.kind}`}, not an image.`,
      );
    if (model.engine === 'esrgan') assertOutputFits(asset.width, asset.height, model.scale);
    const outputSize = outputSizeFromInput(model, { width: asset.width, height: asset.height });
    checked = { parentAssetId: checked.parentAssetId ?? asset.id, ...(outputSize ? { outputSize } : {}) };
  }
  return checked;
}
