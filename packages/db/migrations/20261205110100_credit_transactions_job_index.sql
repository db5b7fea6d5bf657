-- Up Migration

-- The credits history's job lines gather each job's ledger rows (reserve, charge, refund).
CREATE INDEX credit_transactions_job_idx ON credit_transactions (job_id, id) WHERE job_id IS NOT NULL;

-- Down Migration

DROP INDEX credit_transactions_job_idx;
