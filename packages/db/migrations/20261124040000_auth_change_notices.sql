-- Up Migration

-- API processes remember whom an API key belongs to (apps/api/src/auth/apiKeyCache.ts). These
-- triggers tell them, on the channel `atelier_auth` with the user's id, when that answer may
-- have changed: a key revoked or deleted, a user's plan, status or profile changed, a user
-- deleted. The notice goes out when the transaction commits, whichever process made it.
-- Balance changes send nothing: no cached answer carries a balance that is used.
CREATE FUNCTION notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The trigger's argument names the column that holds the user's id.
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('atelier_auth', to_jsonb(OLD) ->> TG_ARGV[0]);
  ELSE
    PERFORM pg_notify('atelier_auth', to_jsonb(NEW) ->> TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_auth_change
AFTER UPDATE OF revoked_at, user_id, key_hash OR DELETE ON api_keys
FOR EACH ROW EXECUTE FUNCTION notify_auth_change('user_id');

CREATE TRIGGER users_auth_change
AFTER UPDATE OF plan, disabled_at, email, name, avatar_url, oidc_subject ON users
FOR EACH ROW
WHEN (OLD.plan IS DISTINCT FROM NEW.plan OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.email IS DISTINCT FROM NEW.email
      OR OLD.name IS DISTINCT FROM NEW.name OR OLD.avatar_url IS DISTINCT FROM NEW.avatar_url OR OLD.oidc_subject IS DISTINCT FROM NEW.oidc_subject)
EXECUTE FUNCTION notify_auth_change('id');

CREATE TRIGGER users_auth_delete
AFTER DELETE ON users
FOR EACH ROW EXECUTE FUNCTION notify_auth_change('id');

-- Down Migration

DROP TRIGGER users_auth_delete ON users;
DROP TRIGGER users_auth_change ON users;
DROP TRIGGER api_keys_auth_change ON api_keys;
DROP FUNCTION notify_auth_change();
