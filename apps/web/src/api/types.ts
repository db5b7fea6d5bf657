import type { AssetAnswer, AssetRecipe, AssetView, JobView, LineageAnswer, MeAnswer } from '@atelier/contracts';

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

export interface CreditItem {
  id: string;
  kind: CreditKind;
  amount: number;
  reason: string | null;
  jobId: string | null;
  createdAt: string;
}

export interface CreditsPage extends Page<CreditItem> {
  balance: number;
}

export interface GenerateResponse {
  job: JobView;
  streamUrl: string;
}
