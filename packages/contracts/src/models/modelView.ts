import { z } from 'zod';
import { JobKind } from '../jobs.ts';
import type { CatalogModel } from './catalog.ts';
import { ModelInput, Variation } from './modelEntry.ts';

/** A model as `GET /api/models` shows it. Where it runs (URLs, workflows, provider ids) stays with the operator. */
export const ModelView = z.object({
  id: z.string(),
  kind: JobKind,
  name: z.string(),
  description: z.string(),
  engine: z.string(),
  default: z.boolean(),
  /** JSON Schema (draft 2020-12) of the params, made from the zod schema submits are checked with. */
  params: z.record(z.string(), z.unknown()),
  price: z.object({ base: z.number(), per: z.string(), perUnit: z.number() }),
  inputs: z.array(ModelInput),
  /** What `POST /api/assets/{id}/vary` can ask of a result of this model. */
  variations: z.array(Variation),
  /** A live worker announces that it serves this model. */
  available: z.boolean(),
});
export type ModelView = z.infer<typeof ModelView>;

export function modelView(model: CatalogModel, available: boolean): ModelView {
  return {
    id: model.id,
    kind: model.kind,
    name: model.name,
    description: model.description,
    engine: model.engine,
    default: model.default,
    // The input side: a field with a default may be left out of a submit.
    params: z.toJSONSchema(model.paramsSchema, { io: 'input' }) as Record<string, unknown>,
    price: model.priceFormula,
    inputs: model.inputs,
    variations: model.variations,
    available,
  };
}
