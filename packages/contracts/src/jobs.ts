import { z } from 'zod';
import { AppError } from './errors.ts';
import { defaultWebhookEvents, webhookFields } from './webhooks.ts';
import type { CatalogModel } from './models/catalog.ts';
import { acceptedInputs } from './models/modelInputs.ts';
import { voiceNames } from './models/paramFields.ts';

export const jobKinds = ['image', 'video', 'voice'] as const;
export const JobKind = z.enum(jobKinds);
export type JobKind = z.infer<typeof JobKind>;

export const PROMPT_MAX_LENGTH = 2000;
export const Prompt = z
  .string({ error: 'prompt must be a string' })
  .trim()
  .min(1, 'prompt must not be empty')
  .max(PROMPT_MAX_LENGTH, `prompt must be at most ${PROMPT_MAX_LENGTH} characters`);

const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const Side = z.number().int().min(64).max(1024);

export const ImageParams = z
  .object({
    width: Side.default(512),
    height: Side.default(512),
    steps: z.number().int().min(1).max(50).default(12),
    seed: Seed.optional(),
    /** The local painter's fine detail, apart from the layout the seed makes (a subtle variation); the seed's where left out. */
    grainSeed: Seed.optional(),
  })
  .strict();

export const VideoParams = z
  .object({
    seconds: z.number().int().min(1).max(10).default(2),
    fps: z.number().int().min(6).max(30).default(12),
    // H.264 in 4:2:0 needs even sides.
    width: Side.multipleOf(2, 'must be even').default(320),
    height: Side.multipleOf(2, 'must be even').default(240),
    seed: Seed.optional(),
  })
  .strict();

export const VoiceParams = z
  .object({
    voice: z.enum(voiceNames).default('en'),
    speed: z.number().min(0.5).max(2).default(1),
    format: z.enum(['mp3', 'ogg', 'wav']).default('mp3'),
  })
  .strict();

/**
 * The params each kind's engines accept: a model narrows them (packages/contracts/src/models),
 * never widens them, so these types hold for every model of the kind.
 */
export const paramsByKind = { image: ImageParams, video: VideoParams, voice: VoiceParams } as const;
export type ImageParams = z.infer<typeof ImageParams>;
export type VideoParams = z.infer<typeof VideoParams>;
export type VoiceParams = z.infer<typeof VoiceParams>;
export type ParamsOf<K extends JobKind> = z.infer<(typeof paramsByKind)[K]>;

export const GenerateBody = z
  .object({
    prompt: Prompt,
    model: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    /** The caller's assets the model takes in, by the input names its catalog entry lists: `{ image: "<asset id>" }`. */
    inputs: z.record(z.string(), z.uuid()).optional(),
    ...webhookFields,
  })
  .strict();

/** Which model a submit names (undefined: the kind's default). */
export const requestedModel = (body: unknown): string | undefined => GenerateBody.parse(body).model;

/** Parse a submit body for one model; params get that model's defaults and a seed is always set. */
export function parseGenerateBody(model: CatalogModel, body: unknown) {
  const { prompt, params, inputs, webhook: url, webhookEvents } = GenerateBody.parse(body);
  if (url === undefined && webhookEvents !== undefined) throw new AppError('validation_failed', 'webhookEvents: needs a webhook to send them to');
  const webhook = url === undefined ? null : { url, events: [...new Set(webhookEvents ?? defaultWebhookEvents)] };
  const parsed = model.paramsSchema.parse(params ?? {}) as Record<string, unknown>;
  if ('seed' in model.paramFields && parsed.seed === undefined) {
    parsed.seed = Math.floor(Math.random() * 2 ** 31);
  }
  return { prompt, params: parsed, inputs: acceptedInputs(model, inputs), webhook };
}

/** The job state machine: `queued → running → succeeded | failed | canceled`, retry `running → queued`. */
export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const JobStatus = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof JobStatus>;

export const terminalStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];
export const isTerminal = (status: JobStatus): boolean => terminalStatuses.includes(status);

export const jobTransitions: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'failed', 'canceled'],
  running: ['queued', 'running', 'succeeded', 'failed', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
};

export const canTransition = (from: JobStatus, to: JobStatus): boolean => jobTransitions[from].includes(to);

/** A job as the API shows it. */
export const JobView = z.object({
  id: z.string().uuid(),
  kind: JobKind,
  /** The catalog id of the model that makes (or made) the result. */
  model: z.string(),
  prompt: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: JobStatus,
  priority: z.number().int(),
  progress: z.number().int().min(0).max(100),
  cost: z.number().int(),
  attempts: z.number().int(),
  workerId: z.string().nullable(),
  blurhash: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  outputUrl: z.string().nullable(),
  previewUrl: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof JobView>;
