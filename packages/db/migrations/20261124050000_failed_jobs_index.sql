-- Up Migration

-- The failed jobs are what the dead-letter queue holds; after Redis loses it, the reconciler
-- rebuilds it from them (listFailedJobs), paging by id.
CREATE INDEX generation_jobs_failed_idx ON generation_jobs (id) WHERE status = 'failed';

-- Down Migration

DROP INDEX generation_jobs_failed_idx;
