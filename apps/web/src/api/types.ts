import type { z } from 'zod';
import type { CreditLineView } from '@atelier/contracts';
import type { JobKind, JobView, Plan } from '@atelier/contracts';

// Response shapes of the API routes that packages/contracts does not describe (yet).
// JobView, JobKind and Plan come from the contracts; move these there when the API adds them.

export interface Me {
  id: string;
  email: string;
  name: string | null;
  avatarUrl: string | null;
  plan: Plan;
  credits: number;
  /** Pro can be bought on this server (billing is configured). */
  upgradeAvailable: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Asset {
  id: string;
  kind: JobKind;
  /** The catalog id of the model that made it. */
  model: string;
  url: string;
  /** A video's poster frame, when the engine made one. */
  posterUrl?: string | null;
  contentType: string;
  bytes?: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  blurhash: string | null;
  /** A voice clip's waveform. */
  peaks?: number[] | null;
  prompt: string;
  createdAt: string;
  jobId: string | null;
  /** `upload` for a person's own picture; `generation` for what a job made. */
  source?: 'generation' | 'upload';
}

/** What made an asset (GET /api/assets/{id}); null for an upload. */
export interface AssetRecipe {
  jobId: string;
  kind: JobKind;
  prompt: string;
  cost: number;
  params: Record<string, unknown>;
  inputs: Record<string, string>;
  parentAssetId: string | null;
}

export interface AssetDetails {
  asset: Asset;
  recipe: AssetRecipe | null;
}

export interface AssetLineage {
  asset: Asset;
  ancestors: { depth: number; asset: Asset }[];
  descendants: { depth: number; asset: Asset }[];
}

export const creditKinds = ['grant', 'reserve', 'charge', 'refund'] as const;
export type CreditKind = (typeof creditKinds)[number];

/** A line of the history by job (`/api/credits?view=jobs`). */
export type CreditLine = z.infer<typeof CreditLineView>;

export interface CreditLinesPage extends Page<CreditLine> {
  balance: number;
}

export interface GenerateResponse {
  job: JobView;
  streamUrl: string;
}
