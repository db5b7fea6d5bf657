import type { z } from 'zod';
import type { AssetAnswer, AssetRecipe, AssetView, CreditLineView, JobView, LineageAnswer, MeAnswer } from '@atelier/contracts';

// Response shapes of the API routes that packages/contracts does not describe (yet); the
// ones it does (jobs, assets, the caller) are its types. Move the rest there when the API adds them.

export type Me = MeAnswer;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Asset = AssetView;
export type { AssetRecipe };
export type AssetDetails = AssetAnswer;
export type AssetLineage = LineageAnswer;

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
