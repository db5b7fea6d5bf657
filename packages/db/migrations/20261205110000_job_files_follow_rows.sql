-- Up Migration

-- A job's row names its files (first frame, sampling step, output) only while they exist.
-- A failed or canceled job's objects are removed, so its row may name none: the constraint
-- makes a path that forgets to clear them fail loudly instead of leaving a broken picture.
UPDATE generation_jobs SET preview_key = NULL, output_key = NULL
WHERE status IN ('failed', 'canceled') AND (preview_key IS NOT NULL OR output_key IS NOT NULL);
ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_ended_without_files_check
  CHECK (status NOT IN ('failed', 'canceled') OR (preview_key IS NULL AND output_key IS NULL));

-- Deleting a result removes every object of its job, so its job forgets them too, whatever
-- path deleted the asset: the job then says its result is gone (no output URL).
UPDATE generation_jobs j SET preview_key = NULL, output_key = NULL
WHERE j.status = 'succeeded' AND j.output_key IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM workspace_assets a WHERE a.job_id = j.id);

CREATE FUNCTION forget_files_of_deleted_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE generation_jobs SET preview_key = NULL, output_key = NULL WHERE id = OLD.job_id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER workspace_assets_forget_job_files AFTER DELETE ON workspace_assets
  FOR EACH ROW WHEN (OLD.job_id IS NOT NULL) EXECUTE FUNCTION forget_files_of_deleted_asset();

-- Down Migration

DROP TRIGGER workspace_assets_forget_job_files ON workspace_assets;
DROP FUNCTION forget_files_of_deleted_asset();
ALTER TABLE generation_jobs DROP CONSTRAINT generation_jobs_ended_without_files_check;
