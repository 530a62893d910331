-- The claim reads only ready jobs, in order: a partial index keeps it one index probe however
-- many finished jobs the table holds. Expired leases are found through their own partial index.
DROP INDEX IF EXISTS jobs_claim;
CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE state = 'ready';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';
