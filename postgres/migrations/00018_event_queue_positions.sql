-- +goose Up
-- An event's queue position replaces its queued flag: 0 until the deliverer queues it, then a
-- number above every position given before, in the order the (serialised) queueing
-- transactions commit. Followers of an account's events (events tail) read by position: a
-- transaction that commits late may leave an event ID below one already read, never a
-- position. Events queued before take their ID as position.
-- The flag was a SMALLINT; positions count every event ever queued (this rewrites the table).
ALTER TABLE events RENAME COLUMN queued TO queue_position;
ALTER TABLE events ALTER COLUMN queue_position TYPE BIGINT;
UPDATE events SET queue_position = id WHERE queue_position <> 0;
CREATE INDEX events_queue_position ON events (queue_position);
CREATE INDEX events_account_queue_position ON events (account_id, queue_position);

-- +goose Down
DROP INDEX events_account_queue_position;
DROP INDEX events_queue_position;
UPDATE events SET queue_position = 1 WHERE queue_position <> 0;
ALTER TABLE events ALTER COLUMN queue_position TYPE SMALLINT;
ALTER TABLE events RENAME COLUMN queue_position TO queued;
