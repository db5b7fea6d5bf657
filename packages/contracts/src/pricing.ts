import type { JobKind } from './jobs.ts';

/**
 * Credits per unit of work for a kind's built-in models, and the default of a catalog entry
 * that names no price. Each model's own price is in the catalog (`GET /api/models`).
 */
export const priceTable = {
  image: { base: 1, per: 'megapixel', perUnit: 4 },
  video: { base: 2, per: 'second', perUnit: 5 },
  voice: { base: 1, per: '100 characters', perUnit: 1 },
} as const;

/** A model's price as `/api/pricing` gives a kind's: `base + perUnit × units`, the unit named by `per`. */
export interface PriceFormula {
  base: number;
  per: (typeof priceTable)[JobKind]['per'];
  perUnit: number;
}

/**
 * Credits a job costs under a formula. An image's megapixels are its params' width × height,
 * or `size` where the output's size comes from an input instead (an upscaler's).
 */
export function costOfFormula(
  kind: JobKind,
  price: Pick<PriceFormula, 'base' | 'perUnit'>,
  prompt: string,
  params: Record<string, unknown>,
  size?: { width: number; height: number },
): number {
  switch (kind) {
    case 'image': {
      const { width, height } = size ?? (params as { width: number; height: number });
      return price.base + Math.ceil(((width * height) / 1_000_000) * price.perUnit);
    }
    case 'video':
      return price.base + (params.seconds as number) * price.perUnit;
    case 'voice':
      return price.base + Math.ceil(prompt.length / 100) * price.perUnit;
  }
}

/** What a job of this kind costs at the built-in price. */
export function costOf(kind: JobKind, prompt: string, params: Record<string, unknown>): number {
  return costOfFormula(kind, priceTable[kind], prompt, params);
}
