-- Up Migration

CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TYPE job_kind AS ENUM ('image', 'video', 'voice');
CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'canceled');
CREATE TYPE credit_kind AS ENUM ('grant', 'reserve', 'charge', 'refund');

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text,
  avatar_url text,
  oidc_subject text UNIQUE,
  plan plan NOT NULL DEFAULT 'free',
  -- The balance moves only in the same transaction as its ledger row; the database itself
  -- refuses to go below zero, whatever the application does.
  credits integer NOT NULL DEFAULT 0 CHECK (credits >= 0),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Only the SHA-256 of the key is kept; the prefix lets a person recognise a key.
  prefix text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE generation_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind job_kind NOT NULL,
  prompt text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  status job_status NOT NULL DEFAULT 'queued',
  priority integer NOT NULL,
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  cost integer NOT NULL CHECK (cost >= 0),
  worker_id text,
  attempts integer NOT NULL DEFAULT 0,
  error_code text,
  error_message text,
  blurhash text,
  preview_key text,
  output_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
-- Newest-first paging per user, and the reconciler's scan of unfinished jobs.
CREATE INDEX generation_jobs_user_created_idx ON generation_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX generation_jobs_unfinished_idx ON generation_jobs (status, created_at) WHERE status IN ('queued', 'running');

CREATE TABLE credit_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind credit_kind NOT NULL,
  -- The change to the balance: reserve < 0, refund and grant > 0, charge 0 (it settles a reservation).
  amount integer NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  job_id uuid REFERENCES generation_jobs (id) ON DELETE SET NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_transactions_user_idx ON credit_transactions (user_id, id DESC);

CREATE TABLE workspace_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  job_id uuid NOT NULL REFERENCES generation_jobs (id) ON DELETE CASCADE,
  kind job_kind NOT NULL,
  storage_key text NOT NULL,
  poster_key text,
  content_type text NOT NULL,
  bytes bigint NOT NULL,
  width integer,
  height integer,
  duration_seconds real,
  blurhash text,
  peaks jsonb,
  prompt text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job_id)
);
CREATE INDEX workspace_assets_user_created_idx ON workspace_assets (user_id, created_at DESC, id DESC);

-- Down Migration

DROP TABLE workspace_assets;
DROP TABLE credit_transactions;
DROP TABLE generation_jobs;
DROP TABLE api_keys;
DROP TABLE users;
DROP TYPE credit_kind;
DROP TYPE job_status;
DROP TYPE job_kind;
DROP TYPE plan;
