-- Up Migration

-- What a key may do, and how many credits it may reserve in a calendar month (UTC). Existing
-- keys keep doing everything, uncapped.
ALTER TABLE api_keys
  ADD COLUMN scopes text[] NOT NULL DEFAULT '{generate,read}'
    CHECK (cardinality(scopes) > 0 AND scopes <@ '{generate,read}'::text[]),
  ADD COLUMN monthly_credit_cap integer CHECK (monthly_credit_cap > 0),
  -- The month `month_spent` counts; a submit in a later month starts it again from 0.
  ADD COLUMN spend_month date NOT NULL DEFAULT date_trunc('month', now() AT TIME ZONE 'UTC')::date,
  ADD COLUMN month_spent integer NOT NULL DEFAULT 0 CHECK (month_spent >= 0);

-- The key a job was submitted with (null: a session). No foreign key: keys are revoked, never
-- deleted, and a user's deletion takes their jobs with it.
ALTER TABLE generation_jobs ADD COLUMN api_key_id uuid;

-- A refunded job gives its credits back to its key's month (the month it was submitted in, and
-- only its first reservation: a dead-letter retry reserves again without the key).
CREATE FUNCTION api_key_spend_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE api_keys k SET month_spent = greatest(k.month_spent - NEW.amount, 0)
  FROM generation_jobs j
  WHERE j.id = NEW.job_id AND k.id = j.api_key_id AND j.reservation_round = 1
    AND k.spend_month = date_trunc('month', j.created_at AT TIME ZONE 'UTC')::date;
  RETURN NULL;
END $$;

CREATE TRIGGER credit_transactions_key_refund
AFTER INSERT ON credit_transactions
FOR EACH ROW WHEN (NEW.kind = 'refund' AND NEW.job_id IS NOT NULL)
EXECUTE FUNCTION api_key_spend_refund();

-- API processes remember a key's scopes: a change must reach them (20261124040000).
DROP TRIGGER api_keys_auth_change ON api_keys;
CREATE TRIGGER api_keys_auth_change
AFTER UPDATE OF revoked_at, user_id, key_hash, scopes, monthly_credit_cap OR DELETE ON api_keys
FOR EACH ROW EXECUTE FUNCTION notify_auth_change('user_id');

-- Down Migration

DROP TRIGGER api_keys_auth_change ON api_keys;
CREATE TRIGGER api_keys_auth_change
AFTER UPDATE OF revoked_at, user_id, key_hash OR DELETE ON api_keys
FOR EACH ROW EXECUTE FUNCTION notify_auth_change('user_id');
DROP TRIGGER credit_transactions_key_refund ON credit_transactions;
DROP FUNCTION api_key_spend_refund();
ALTER TABLE generation_jobs DROP COLUMN api_key_id;
ALTER TABLE api_keys DROP COLUMN month_spent, DROP COLUMN spend_month, DROP COLUMN monthly_credit_cap, DROP COLUMN scopes;
