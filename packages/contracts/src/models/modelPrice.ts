import { z } from 'zod';
import type { JobKind } from '../jobs.ts';
import { priceTable, type PriceFormula } from '../pricing.ts';

const credits = z.number().int().min(0);

/** How a catalog file writes a price: a base and one rate in the kind's unit. */
export const priceSchemaByKind = {
  image: z.object({ base: credits.default(priceTable.image.base), perMegapixel: credits.default(priceTable.image.perUnit) }).strict(),
  video: z.object({ base: credits.default(priceTable.video.base), perSecond: credits.default(priceTable.video.perUnit) }).strict(),
  voice: z.object({ base: credits.default(priceTable.voice.base), per100Characters: credits.default(priceTable.voice.perUnit) }).strict(),
} as const;

export function priceFormulaOf(kind: JobKind, price: Record<string, number> | undefined): PriceFormula {
  const parsed = priceSchemaByKind[kind].parse(price ?? {}) as Record<string, number>;
  const rate = Object.entries(parsed).find(([name]) => name !== 'base')![1];
  return { base: parsed.base!, per: priceTable[kind].per, perUnit: rate };
}
