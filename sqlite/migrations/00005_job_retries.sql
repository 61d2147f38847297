-- +goose Up
-- A failed attempt of a job is retried a little later (a backoff) without changing its due
-- time, which its work depends on: run_at is when its next attempt may start, and what the
-- runner claims and orders by.
ALTER TABLE jobs ADD COLUMN run_at INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET run_at = due_at;
DROP INDEX jobs_due;
CREATE INDEX jobs_run ON jobs (status, run_at, id);

-- +goose Down
DROP INDEX jobs_run;
CREATE INDEX jobs_due ON jobs (status, due_at, id);
ALTER TABLE jobs DROP COLUMN run_at;
