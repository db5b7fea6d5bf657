-- Up Migration

-- Jobs a user has waiting or running. Kept by triggers, so it is exact whatever path changes a
-- job; the submit statement checks it in the same UPDATE that debits credits, which serialises
-- concurrent submits of one user on their row.
ALTER TABLE users ADD COLUMN active_jobs integer NOT NULL DEFAULT 0 CHECK (active_jobs >= 0);

CREATE FUNCTION generation_jobs_count_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET active_jobs = active_jobs + 1 WHERE id = NEW.user_id;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.status IN ('queued', 'running') THEN
      UPDATE users SET active_jobs = active_jobs - 1 WHERE id = OLD.user_id;
    END IF;
  ELSIF OLD.status IN ('queued', 'running') AND NEW.status NOT IN ('queued', 'running') THEN
    UPDATE users SET active_jobs = active_jobs - 1 WHERE id = NEW.user_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER generation_jobs_count_active
AFTER INSERT OR DELETE OR UPDATE OF status ON generation_jobs
FOR EACH ROW EXECUTE FUNCTION generation_jobs_count_active();

-- A submit with an Idempotency-Key answers the same way every time. The response is stored
-- in the transaction that creates the job; a racing twin waits on the primary key and then
-- reads it.
CREATE TABLE idempotency_keys (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash bytea NOT NULL,
  job_id uuid REFERENCES generation_jobs (id) ON DELETE CASCADE,
  status_code smallint,
  -- json, not jsonb: a replay answers with the same bytes, keys in the same order.
  response json,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration

DROP TABLE idempotency_keys;
DROP TRIGGER generation_jobs_count_active ON generation_jobs;
DROP FUNCTION generation_jobs_count_active();
ALTER TABLE users DROP COLUMN active_jobs;
