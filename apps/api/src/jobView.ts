// The view lives in @atelier/db because the worker's webhook deliveries carry it too.
export { jobOutputPath, jobPreviewPath, jobView } from '@atelier/db';

export const jobStreamPath = (jobId: string) => `/api/generate/${jobId}/stream`;
