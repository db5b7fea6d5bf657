import { useCallback } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isTerminal } from '@atelier/contracts';
import type { JobKind, JobView, ModelView, Variation } from '@atelier/contracts';
import { apiFetch } from './client.ts';
import { ApiError } from './errors.ts';
import type { Asset, AssetDetails, AssetLineage, CreditLinesPage, GenerateResponse, Me, Page } from './types.ts';

export const queryKeys = {
  me: ['me'] as const,
  jobs: ['jobs'] as const,
  assets: (kind: JobKind | 'all') => ['assets', kind] as const,
  allAssets: ['assets'] as const,
  assetDetails: (id: string) => ['assets', 'details', id] as const,
  assetLineage: (id: string) => ['assets', 'lineage', id] as const,
  credits: ['credits'] as const,
  models: ['models'] as const,
};

/** Retry network and server failures twice; a 4xx answer will not change by asking again. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

const withQuery = (path: string, params: Record<string, string | number | null | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
};

export const useMe = () => useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => apiFetch<Me>('/api/me', { signal }) });

/** The catalog; read again every 15 s, since whether a model has a live worker changes. */
export const useModels = () =>
  useQuery({
    queryKey: queryKeys.models,
    queryFn: ({ signal }) => apiFetch<{ items: ModelView[] }>('/api/models', { signal }),
    refetchInterval: 15_000,
    select: (data) => data.items,
  });

/** A model's name by id, for the cards and the gallery; the id itself until the catalog has loaded (or for a model since removed). */
export function useModelName(): (id: string) => string {
  const models = useModels();
  return useCallback((id: string) => models.data?.find((model) => model.id === id)?.name ?? id, [models.data]);
}

export const RECENT_JOBS = 24;

/** Recent jobs; polled while more are unfinished than may stream live (see JobList). */
export const useJobs = (maxLive: number) =>
  useQuery({
    queryKey: queryKeys.jobs,
    queryFn: ({ signal }) => apiFetch<Page<JobView>>(withQuery('/api/jobs', { limit: RECENT_JOBS }), { signal }),
    refetchInterval: (query) => {
      const active = query.state.data?.items.filter((job) => !isTerminal(job.status)).length ?? 0;
      return active > maxLive ? 4000 : false;
    },
  });

export const useAssets = (kind: JobKind | 'all') =>
  useInfiniteQuery({
    queryKey: queryKeys.assets(kind),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      apiFetch<Page<Asset>>(withQuery('/api/assets', { kind: kind === 'all' ? null : kind, cursor: pageParam, limit: 24 }), { signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** An asset with what made it: model, prompt, params and seed, cost, inputs and parent. */
export const useAssetDetails = (id: string) =>
  useQuery({ queryKey: queryKeys.assetDetails(id), queryFn: ({ signal }) => apiFetch<AssetDetails>(`/api/assets/${id}`, { signal }) });

export const useAssetLineage = (id: string) =>
  useQuery({ queryKey: queryKeys.assetLineage(id), queryFn: ({ signal }) => apiFetch<AssetLineage>(`/api/assets/${id}/lineage`, { signal }) });

/** The credits history, one line per job. */
export const useCredits = () =>
  useInfiniteQuery({
    queryKey: queryKeys.credits,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => apiFetch<CreditLinesPage>(withQuery('/api/credits', { view: 'jobs', cursor: pageParam }), { signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** Credits, the job list, the gallery and the ledger all change when a job starts or ends. */
export function useRefreshAccount() {
  const client = useQueryClient();
  return useCallback(() => {
    for (const queryKey of [queryKeys.me, queryKeys.jobs, queryKeys.allAssets, queryKeys.credits]) {
      void client.invalidateQueries({ queryKey });
    }
  }, [client]);
}

/** After a submit: the new card shows at once; the refetch brings the list and the balance up to date. */
function useShowSubmitted() {
  const client = useQueryClient();
  const refresh = useRefreshAccount();
  return ({ job }: GenerateResponse) => {
    client.setQueryData<Page<JobView>>(queryKeys.jobs, (page) => ({
      items: [job, ...(page?.items ?? []).filter((item) => item.id !== job.id)],
      nextCursor: page?.nextCursor ?? null,
    }));
    refresh();
  };
}

export function useGenerate() {
  return useMutation({
    mutationFn: (input: { kind: JobKind; model: string; prompt: string; params: Record<string, unknown>; inputs?: Record<string, string> }) =>
      apiFetch<GenerateResponse>(`/api/generate/${input.kind}`, {
        method: 'POST',
        body: { prompt: input.prompt, model: input.model, params: input.params, ...(input.inputs ? { inputs: input.inputs } : {}) },
      }),
    onSuccess: useShowSubmitted(),
  });
}

/** A new job of a result's recipe with new seeds (`POST /api/assets/{id}/vary`). */
export function useVaryAsset() {
  return useMutation({
    mutationFn: (input: { assetId: string; variation: Variation }) =>
      apiFetch<GenerateResponse>(`/api/assets/${encodeURIComponent(input.assetId)}/vary`, { method: 'POST', body: { variation: input.variation } }),
    onSuccess: useShowSubmitted(),
  });
}

const deleteAt = (path: string) => apiFetch<unknown>(path, { method: 'DELETE', expect: 'none' });

/** A cancel refunds the reservation: the balance and the ledger change with the job list. */
export function useCancelJob() {
  const refresh = useRefreshAccount();
  return useMutation({
    mutationFn: (jobId: string) => deleteAt(`/api/jobs/${encodeURIComponent(jobId)}`),
    onSuccess: refresh,
  });
}

/** A deleted result leaves the gallery and, through its job (no output any more), the job list. */
export function useDeleteAsset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (assetId: string) => deleteAt(`/api/assets/${encodeURIComponent(assetId)}`),
    onSuccess: (_, assetId) => {
      // Its details and lineage would answer 404 if fetched again.
      for (const queryKey of [queryKeys.assetDetails(assetId), queryKeys.assetLineage(assetId)]) client.removeQueries({ queryKey });
      return Promise.all([queryKeys.allAssets, queryKeys.jobs].map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

export const useCheckout = () =>
  useMutation({
    mutationFn: () => apiFetch<{ url: string }>('/api/billing/checkout', { method: 'POST' }),
    onSuccess: ({ url }) => window.location.assign(url),
  });

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>('/auth/logout', { method: 'POST', expect: 'none' }),
    onSuccess: async () => {
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
      await client.resetQueries({ queryKey: queryKeys.me });
    },
  });
}
