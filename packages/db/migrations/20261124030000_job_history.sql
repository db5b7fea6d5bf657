-- Up Migration

-- Every claim of a job by a worker: which worker, which attempt, and how that attempt ended.
-- The row is written by the claim statement itself (no extra round trip) and closed by the
-- statement that ends the attempt; an attempt whose worker died is closed as `abandoned` by
-- the next claim.
CREATE TABLE job_history (
  job_id uuid NOT NULL REFERENCES generation_jobs (id) ON DELETE CASCADE,
  -- generation_jobs.attempts after this claim: 1, 2, … across every reservation round.
  attempt integer NOT NULL,
  reservation_round integer NOT NULL,
  worker_id text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  -- succeeded | failed | canceled | retrying | returned | abandoned; null while running.
  outcome text,
  error_code text,
  PRIMARY KEY (job_id, attempt)
);

-- A dead-lettered job put back by an operator gets a fresh reservation under new idempotency
-- keys. Round 1 keeps the keys jobs have always had (`job:{id}:reserve`); round n > 1 appends
-- `:n`, so each round is reserved once and charged or refunded once.
ALTER TABLE generation_jobs ADD COLUMN reservation_round integer NOT NULL DEFAULT 1 CHECK (reservation_round >= 1);

CREATE FUNCTION job_credit_key(job_id uuid, kind text, round integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 'job:' || job_id || ':' || kind || CASE WHEN round > 1 THEN ':' || round ELSE '' END $$;

-- users.active_jobs also counts a job that comes back from `failed` to `queued` (a retry from
-- the dead-letter queue); before, only an INSERT made a job active.
CREATE OR REPLACE FUNCTION generation_jobs_count_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET active_jobs = active_jobs + 1 WHERE id = NEW.user_id;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.status IN ('queued', 'running') THEN
      UPDATE users SET active_jobs = active_jobs - 1 WHERE id = OLD.user_id;
    END IF;
  ELSIF OLD.status IN ('queued', 'running') AND NEW.status NOT IN ('queued', 'running') THEN
    UPDATE users SET active_jobs = active_jobs - 1 WHERE id = NEW.user_id;
  ELSIF OLD.status NOT IN ('queued', 'running') AND NEW.status IN ('queued', 'running') THEN
    UPDATE users SET active_jobs = active_jobs + 1 WHERE id = NEW.user_id;
  END IF;
  RETURN NULL;
END $$;

-- Down Migration

CREATE OR REPLACE FUNCTION generation_jobs_count_active() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP FUNCTION job_credit_key(uuid, text, integer);
ALTER TABLE generation_jobs DROP COLUMN reservation_round;
DROP TABLE job_history;
