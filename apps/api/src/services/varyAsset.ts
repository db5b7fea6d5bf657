import { randomInt } from 'node:crypto';
import { AppError, VaryBody, type Variation } from '@atelier/contracts';
import { findAssetForUser, findAssetRecipe, type User } from '@atelier/db';
import type { ApiServices } from '../services.ts';
import { submitGeneration, type SubmitResult } from './submitGeneration.ts';

interface VaryRequest {
  user: User;
  assetId: string;
  body: unknown;
  requestId: string;
  idempotencyKey: string | null;
  apiKeyId: string | null;
}

/**
 * The recipe's params with new randomness: `strong` drops the seeds so the submit draws a new
 * one (a new layout); `subtle` keeps the seed and draws a new grain seed (the same layout, new detail).
 */
function variedParams(params: Record<string, unknown>, variation: Variation): Record<string, unknown> {
  const { seed, grainSeed: _grainSeed, ...rest } = params;
  if (variation === 'strong') return rest;
  return { ...rest, seed, grainSeed: randomInt(0, 2 ** 31) };
}

/**
 * A new job of the asset's model, prompt, params and inputs with new seeds, made from the
 * asset (its parent). It is a submit in every other way: the same checks, price, limits,
 * Idempotency-Key and one statement for the debit, the job and the reservation.
 */
export async function varyAsset(services: ApiServices, request: VaryRequest): Promise<SubmitResult> {
  const { variation } = VaryBody.parse(request.body ?? {});
  const asset = await findAssetForUser(services.pool, request.user.id, request.assetId);
  if (!asset) throw new AppError('asset_not_found');
  const recipe = await findAssetRecipe(services.pool, asset);
  if (!recipe) throw new AppError('asset_not_variable', 'This asset is an upload: nothing made it to run again. Use it as an input instead.');
  const model = services.catalog.listed(recipe.model);
  if (model && !model.variations.includes(variation)) {
    const can = model.variations.length > 0 ? `it can vary ${model.variations.join(' and ')}` : 'it cannot vary at all';
    throw new AppError('variation_not_supported', `${model.id} cannot make a ${variation} variation; ${can}.`);
  }
  const inputs = Object.keys(recipe.inputs).length > 0 ? { inputs: recipe.inputs } : {};
  return submitGeneration(services, {
    user: request.user,
    kind: recipe.kind,
    body: { model: recipe.model, prompt: recipe.prompt, params: variedParams(recipe.params, variation), ...inputs },
    requestId: request.requestId,
    idempotencyKey: request.idempotencyKey,
    apiKeyId: request.apiKeyId,
    parentAssetId: asset.id,
    idempotencySubject: { vary: asset.id, variation },
  });
}
