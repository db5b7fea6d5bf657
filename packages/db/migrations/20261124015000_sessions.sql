-- Up Migration

CREATE TABLE sessions (
  -- The SHA-256 of the random id the cookie holds: a copy of this table signs nobody in.
  id_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
-- Sign-ins sweep expired rows a batch at a time, oldest first.
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Down Migration

DROP TABLE sessions;
