import { AppError } from '../errors.ts';
import type { CatalogModel } from './catalog.ts';

export interface PictureSize {
  width: number;
  height: number;
}

/**
 * The inputs a submit names (`{ image: "<asset id>" }`), checked against what the model's
 * catalog entry takes: a name it does not list, or a required one left out, is refused.
 */
export function acceptedInputs(model: CatalogModel, requested: Record<string, string> = {}): Record<string, string> {
  const takes = new Map(model.inputs.map((input) => [input.name, input]));
  for (const name of Object.keys(requested)) {
    if (takes.has(name)) continue;
    const listed = takes.size > 0 ? `it takes ${[...takes.keys()].join(', ')}` : 'it takes none';
    throw new AppError('input_not_accepted', `inputs.${name}: ${model.id} takes no input "${name}"; ${listed}.`);
  }
  for (const input of model.inputs) {
    if (input.required && requested[input.name] === undefined)
      throw new AppError('input_required', `inputs.${input.name}: ${model.id} needs an ${input.kind} asset id here.`);
  }
  return requested;
}

/** The size of a model's result where an input picture decides it (an upscaler's: the input times its scale). */
export function outputSizeFromInput(model: CatalogModel, input: PictureSize): PictureSize | undefined {
  if (model.engine !== 'esrgan') return undefined;
  return { width: input.width * model.scale, height: input.height * model.scale };
}
