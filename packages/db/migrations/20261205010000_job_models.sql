-- Up Migration

-- A job is made by a model of the catalog (issue 15). Jobs from before the catalog were made
-- by their kind's built-in model.
ALTER TABLE generation_jobs ADD COLUMN model text;
UPDATE generation_jobs SET model = CASE kind
  WHEN 'image' THEN 'atelier/landscape-sketch'
  WHEN 'video' THEN 'atelier/landscape-pan'
  WHEN 'voice' THEN 'atelier/espeak-voice'
END;

-- The previous release inserts jobs without a model while this one rolls out: give those the
-- same default, so the column can be NOT NULL at once. Drop this trigger a release later.
CREATE FUNCTION job_model_of_kind() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.model := coalesce(NEW.model, CASE NEW.kind
    WHEN 'image' THEN 'atelier/landscape-sketch'
    WHEN 'video' THEN 'atelier/landscape-pan'
    WHEN 'voice' THEN 'atelier/espeak-voice'
  END);
  RETURN NEW;
END $$;
CREATE TRIGGER generation_jobs_model_of_kind BEFORE INSERT ON generation_jobs
  FOR EACH ROW WHEN (NEW.model IS NULL) EXECUTE FUNCTION job_model_of_kind();

ALTER TABLE generation_jobs ALTER COLUMN model SET NOT NULL;

-- The GPU an attempt ran on, where the engine knows it (ComfyUI); null for local engines and providers.
ALTER TABLE job_history ADD COLUMN gpu text;

-- Down Migration

ALTER TABLE job_history DROP COLUMN gpu;
DROP TRIGGER generation_jobs_model_of_kind ON generation_jobs;
DROP FUNCTION job_model_of_kind();
ALTER TABLE generation_jobs DROP COLUMN model;
