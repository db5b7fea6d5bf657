-- Up Migration

-- A person's own pictures become assets too (source 'upload'), with no job behind them.
ALTER TABLE workspace_assets ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE workspace_assets ADD COLUMN source text NOT NULL DEFAULT 'generation';
ALTER TABLE workspace_assets ADD CONSTRAINT workspace_assets_source_check
  CHECK ((source = 'generation' AND job_id IS NOT NULL) OR (source = 'upload' AND job_id IS NULL));

-- What a job was made from: the asset it varies or upscales (its parent) and the assets it
-- takes as inputs (`{"image": "<asset id>"}`). An asset's recipe is its job's model, prompt,
-- params and these; its lineage follows them both ways. A deleted parent leaves the child.
ALTER TABLE generation_jobs ADD COLUMN parent_asset_id uuid REFERENCES workspace_assets (id) ON DELETE SET NULL;
ALTER TABLE generation_jobs ADD COLUMN inputs jsonb NOT NULL DEFAULT '{}';
CREATE INDEX generation_jobs_parent_asset_idx ON generation_jobs (parent_asset_id) WHERE parent_asset_id IS NOT NULL;

-- Down Migration

DROP INDEX generation_jobs_parent_asset_idx;
ALTER TABLE generation_jobs DROP COLUMN inputs;
ALTER TABLE generation_jobs DROP COLUMN parent_asset_id;
ALTER TABLE workspace_assets DROP CONSTRAINT workspace_assets_source_check;
ALTER TABLE workspace_assets DROP COLUMN source;
DELETE FROM workspace_assets WHERE job_id IS NULL;
ALTER TABLE workspace_assets ALTER COLUMN job_id SET NOT NULL;
