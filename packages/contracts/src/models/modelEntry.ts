import { z } from 'zod';
import { JobKind } from '../jobs.ts';
import { ParamOverride } from './paramFields.ts';

/** `owner/name`, lower case: it names the model's queue too (`generation/<id>`), and BullMQ refuses ':' there. */
export const ModelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/, 'must be "owner/name": lower-case letters, digits, ".", "_" or "-", one "/"');

/** A file a model takes besides the prompt (an upscaler's picture): a submit names one of the caller's assets for it. */
export const ModelInput = z.object({ name: z.string().min(1), kind: z.enum(['image']), required: z.boolean().default(true) }).strict();

/**
 * How `POST /api/assets/{id}/vary` may vary a result of the model: `strong` runs the recipe
 * again with a new seed; `subtle` keeps the layout and changes only the fine detail, which
 * only the local painter can (its `grainSeed`).
 */
export const variationKinds = ['subtle', 'strong'] as const;
export const Variation = z.enum(variationKinds);
export type Variation = z.infer<typeof Variation>;

const common = {
  id: ModelId,
  name: z.string().min(1),
  description: z.string().min(1),
  /** Not listed and not accepted on submit; a worker still serves it if WORKER_MODELS names it. */
  hidden: z.boolean().default(false),
  /** The model a submit without `model` gets: one per kind. */
  default: z.boolean().default(false),
  /** Narrower bounds or other defaults for the kind's params, checked against the kind in the catalog. */
  params: z.record(z.string(), ParamOverride).default({}),
  /** `{ base, perMegapixel | perSecond | per100Characters }`, by kind; the kind's built-in price where left out. */
  price: z.record(z.string(), z.number()).optional(),
  inputs: z.array(ModelInput).default([]),
  /** Left out: `strong` where the model has a seed, none otherwise (the local painter: both). */
  variations: z.array(Variation).optional(),
};

const localEntry = <E extends string, K extends JobKind>(engine: E, kind: K) =>
  z.object({ ...common, engine: z.literal(engine), kind: z.literal(kind) }).strict();
const providerEntry = <E extends string>(engine: E) =>
  z.object({ ...common, engine: z.literal(engine), kind: JobKind, providerModel: z.string().min(1) }).strict();

/** ESRGAN on the worker's CPU; its output is its input picture times `scale`, so it takes no params. */
export const EsrganEntry = z
  .object({ ...common, engine: z.literal('esrgan'), kind: z.literal('image'), scale: z.union([z.literal(2), z.literal(4)]) })
  .strict();

/** `"<node id>.inputs.<input name>"`, as ComfyUI's API-format workflow addresses a node input. */
export const ComfyBinding = z.string().regex(/^[^.]+\.inputs\.[^.]+$/, 'must be "<node id>.inputs.<input name>"');

export const ComfyUiEntry = z
  .object({
    ...common,
    engine: z.literal('comfyui'),
    kind: JobKind,
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /** An API-format workflow (JSON); relative to the catalog file. Loading makes it absolute. */
    workflow: z.string().min(1),
    /** Our params (and `prompt`) to the node inputs they set. */
    bindings: z.record(z.string(), ComfyBinding),
    /** The id of the node whose output is the result. */
    output: z.string().min(1),
  })
  .strict();

/** One catalog entry: what the operator writes in ATELIER_MODELS, and what the built-ins are. */
export const ModelEntry = z.discriminatedUnion('engine', [
  localEntry('local-painter', 'image'),
  localEntry('local-video', 'video'),
  localEntry('local-image-pan', 'video'),
  localEntry('local-voice', 'voice'),
  localEntry('instant', 'image'),
  EsrganEntry,
  providerEntry('openai'),
  providerEntry('huggingface'),
  ComfyUiEntry,
]);
export type ModelEntry = z.infer<typeof ModelEntry>;
export type ModelEntryInput = z.input<typeof ModelEntry>;
export type EngineName = ModelEntry['engine'];
export type ModelEntryOf<E extends EngineName> = Extract<ModelEntry, { engine: E }>;

/** A file entry naming a built-in model changes only whether it is listed and whether it is its kind's default. */
export const BuiltInOverride = z.object({ id: ModelId, hidden: z.boolean().optional(), default: z.boolean().optional() }).strict();
export type BuiltInOverride = z.infer<typeof BuiltInOverride>;
