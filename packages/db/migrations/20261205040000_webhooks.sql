-- Up Migration

-- A job's webhook: where to POST and which events the caller asked for (null: no webhook).
ALTER TABLE generation_jobs ADD COLUMN webhook_url text, ADD COLUMN webhook_events text[];

-- One signing secret per account (`whsec_` + base64). A rotation keeps the old one signing
-- beside the new until previous_expires_at, so receivers can switch without a gap.
CREATE TABLE webhook_secrets (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret text NOT NULL,
  previous_secret text,
  previous_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one row per event a job owes its webhook, written by the trigger below in the
-- statement that makes the transition, so no crash can lose an event between the transition
-- and the queue. Its id is the `webhook-id` every attempt carries. One row per
-- (job, reservation round, event): a worker taking over a job, or a second call, adds nothing.
CREATE TABLE webhook_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id uuid NOT NULL REFERENCES generation_jobs (id) ON DELETE CASCADE,
  reservation_round integer NOT NULL,
  event text NOT NULL CHECK (event IN ('start', 'output', 'completed')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  -- The exact bytes sent, fixed at the first attempt so every retry signs the same body.
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When a pending event should have been tried by; the reconciler enqueues those overdue.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (job_id, reservation_round, event)
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  -- null when no answer came: `error` says why (`timeout`, `connection: …`, `refused: …`).
  status_code integer,
  duration_ms integer NOT NULL,
  -- The first 1 KB of the answer.
  response text,
  error text
);
CREATE INDEX webhook_attempts_event_idx ON webhook_attempts (event_id, attempted_at);

-- Which webhook events a status change owes; the same table as webhookEventsOf in
-- packages/contracts/src/webhooks.ts. `running → running` (a takeover) changes no status and
-- owes nothing: the round's `start` went out with the first claim.
CREATE FUNCTION generation_jobs_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (job_id, reservation_round, event)
  SELECT NEW.id, NEW.reservation_round, e
  FROM unnest(CASE NEW.status
                WHEN 'running' THEN ARRAY['start']
                WHEN 'succeeded' THEN ARRAY['output', 'completed']
                WHEN 'failed' THEN ARRAY['completed']
                WHEN 'canceled' THEN ARRAY['completed']
                ELSE ARRAY[]::text[] END) AS e
  WHERE e = ANY (NEW.webhook_events)
  ON CONFLICT (job_id, reservation_round, event) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER generation_jobs_webhook_outbox
AFTER UPDATE OF status ON generation_jobs
FOR EACH ROW WHEN (NEW.webhook_url IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION generation_jobs_webhook_outbox();

-- Down Migration

DROP TRIGGER generation_jobs_webhook_outbox ON generation_jobs;
DROP FUNCTION generation_jobs_webhook_outbox();
DROP TABLE webhook_attempts;
DROP TABLE webhook_events;
DROP TABLE webhook_secrets;
ALTER TABLE generation_jobs DROP COLUMN webhook_url, DROP COLUMN webhook_events;
