import { z } from 'zod';
import type { JobKind } from '../jobs.ts';

/**
 * Each kind's params as data, so that a model can narrow them (min, max, default) and the
 * same description becomes both the zod schema the API validates with and the JSON Schema
 * the catalog publishes.
 */
export interface NumberField {
  type: 'integer' | 'number';
  min: number;
  max: number;
  default?: number;
  /** H.264 in 4:2:0 needs even sides. */
  multipleOf?: number;
  /** A field with no default is optional (a seed: the API picks one). */
  description: string;
}
export interface ChoiceField {
  type: 'choice';
  options: readonly string[];
  default: string;
  description: string;
}
export type ParamField = NumberField | ChoiceField;

const seed: NumberField = { type: 'integer', min: 0, max: 2 ** 31 - 1, description: 'Same seed, same params: same result.' };
const side = (fallback: number, multipleOf?: number): NumberField => ({
  type: 'integer',
  min: 64,
  max: 1024,
  default: fallback,
  ...(multipleOf ? { multipleOf } : {}),
  description: 'Pixels.',
});

export const voiceNames = ['en', 'en-us', 'en-gb', 'fr', 'de', 'es', 'it'] as const;

export const paramFieldsByKind = {
  image: {
    width: side(512),
    height: side(512),
    steps: { type: 'integer', min: 1, max: 50, default: 12, description: 'Refinement steps: more is slower and finer.' },
    seed,
  },
  video: {
    seconds: { type: 'integer', min: 1, max: 10, default: 2, description: 'Length of the clip.' },
    fps: { type: 'integer', min: 6, max: 30, default: 12, description: 'Frames per second.' },
    width: side(320, 2),
    height: side(240, 2),
    seed,
  },
  voice: {
    voice: { type: 'choice', options: voiceNames, default: 'en', description: 'Language and accent.' },
    speed: { type: 'number', min: 0.5, max: 2, default: 1, description: '1 is normal speed.' },
    format: { type: 'choice', options: ['mp3', 'ogg', 'wav'], default: 'mp3', description: 'Audio file format.' },
  },
} as const satisfies Record<JobKind, Record<string, ParamField>>;

/** The local painter's params: an image's, and the seed of its grain alone (what a subtle variation changes). */
export const painterParamFields: Record<string, ParamField> = {
  ...paramFieldsByKind.image,
  grainSeed: { type: 'integer', min: 0, max: 2 ** 31 - 1, description: 'Seed of the fine grain alone; the layout stays the seed’s.' },
};

/** What a catalog entry may change of one field: narrower bounds, another default. */
export const ParamOverride = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    default: z.union([z.number(), z.string()]).optional(),
    options: z.array(z.string()).min(1).optional(),
  })
  .strict();
export type ParamOverride = z.infer<typeof ParamOverride>;

/** A kind's fields with a model's overrides applied; problems are returned, each naming its field. */
export function applyParamOverrides(
  kind: JobKind,
  overrides: Record<string, ParamOverride>,
  base: Record<string, ParamField> = paramFieldsByKind[kind],
): { fields: Record<string, ParamField>; problems: { path: string[]; message: string }[] } {
  const fields: Record<string, ParamField> = { ...base };
  const problems: { path: string[]; message: string }[] = [];
  for (const [name, override] of Object.entries(overrides)) {
    const field = base[name];
    if (!field) {
      const known = Object.keys(base).join(', ') || 'none';
      problems.push({ path: [name], message: `this ${kind} model has no param "${name}"; it has ${known}` });
      continue;
    }
    const narrowed = narrowField(field, override);
    if (typeof narrowed === 'string') problems.push({ path: [name], message: narrowed });
    else fields[name] = narrowed;
  }
  return { fields, problems };
}

/** A model may narrow what its engine accepts, never widen it: the engines rely on the base bounds. */
function narrowField(field: ParamField, override: ParamOverride): ParamField | string {
  if (field.type === 'choice') {
    if (override.min !== undefined || override.max !== undefined) return 'a choice has options, not min or max';
    const options = override.options ?? field.options;
    const unknown = options.filter((option) => !field.options.includes(option));
    if (unknown.length > 0) return `options must be among ${field.options.join(', ')}`;
    const fallback = override.default ?? (options.includes(field.default) ? field.default : options[0]);
    if (typeof fallback !== 'string' || !options.includes(fallback)) return `default must be one of ${options.join(', ')}`;
    return { ...field, options, default: fallback };
  }
  if (override.options !== undefined) return 'a number has min and max, not options';
  const min = override.min ?? field.min;
  const max = override.max ?? field.max;
  if (min < field.min || max > field.max) return `min and max must stay within ${field.min}–${field.max}`;
  if (min > max) return 'min must not be above max';
  const fallback = override.default ?? (field.default === undefined ? undefined : Math.min(Math.max(field.default, min), max));
  if (fallback !== undefined && (typeof fallback !== 'number' || fallback < min || fallback > max)) return `default must be a number within ${min}–${max}`;
  return { ...field, min, max, ...(fallback === undefined ? {} : { default: fallback }) };
}

function fieldSchema(field: ParamField) {
  if (field.type === 'choice')
    return z
      .enum(field.options as [string, ...string[]])
      .default(field.default)
      .describe(field.description);
  let schema = field.type === 'integer' ? z.number().int() : z.number();
  schema = schema.min(field.min).max(field.max);
  if (field.multipleOf) schema = schema.multipleOf(field.multipleOf, 'must be even');
  schema = schema.describe(field.description);
  return field.default === undefined ? schema.optional() : schema.default(field.default);
}

/** The zod schema of a set of fields: unknown params are refused, defaults filled in. */
export function paramsSchemaOf(fields: Record<string, ParamField>) {
  return z.strictObject(Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldSchema(field)])));
}
export type ParamsSchema = ReturnType<typeof paramsSchemaOf>;
