import { z } from 'zod';
import { JobKind } from './jobs.ts';

/** Where an asset came from: a job made it, or a person uploaded it (`POST /api/uploads`). */
export const AssetSource = z.enum(['generation', 'upload']);
export type AssetSource = z.infer<typeof AssetSource>;

/** An asset as the API shows it; its files are reached through the API, which checks the owner. */
export const AssetView = z.object({
  id: z.string().uuid(),
  /** Null for an upload: no job made it. */
  jobId: z.string().uuid().nullable(),
  source: AssetSource,
  kind: JobKind,
  /** The catalog id of the model that made it (its job's); null for an upload. */
  model: z.string().nullable(),
  url: z.string(),
  posterUrl: z.string().nullable(),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
  blurhash: z.string().nullable(),
  peaks: z.array(z.number()).nullable(),
  prompt: z.string(),
  createdAt: z.string(),
});
export type AssetView = z.infer<typeof AssetView>;

/** What made an asset: its job's prompt, params (the seed among them), inputs and parent. */
export const AssetRecipe = z.object({
  jobId: z.string().uuid(),
  kind: JobKind,
  /** The catalog id of the model that made it. */
  model: z.string(),
  prompt: z.string(),
  /** Credits the job cost. */
  cost: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  /** The job's input pictures, by the model's input name: asset ids. */
  inputs: z.record(z.string(), z.string()),
  parentAssetId: z.string().uuid().nullable(),
});
export type AssetRecipe = z.infer<typeof AssetRecipe>;

/** One step of an asset's lineage: 1 is its parent or its child. */
export const LineageEntryView = z.object({ depth: z.number().int().min(1), asset: AssetView });
