import type { JobView } from '@atelier/contracts';
import type { JobRow } from './jobs.ts';

export const jobOutputPath = (jobId: string) => `/api/jobs/${jobId}/output`;
export const jobPreviewPath = (jobId: string) => `/api/jobs/${jobId}/preview`;

/** A job as the API shows it, and as its webhook deliveries carry it. */
export function jobView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    model: row.model,
    prompt: row.prompt,
    params: row.params,
    status: row.status,
    priority: row.priority,
    progress: row.progress,
    cost: row.cost,
    attempts: row.attempts,
    workerId: row.workerId,
    blurhash: row.blurhash,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    outputUrl: row.outputKey ? jobOutputPath(row.id) : null,
    previewUrl: row.previewKey ? jobPreviewPath(row.id) : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
