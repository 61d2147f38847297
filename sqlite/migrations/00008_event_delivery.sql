-- +goose Up
-- Events are delivered as signed webhooks to the destinations their accounts register. An
-- event is queued (a delivery per destination that wants it) once, after it commits: queued
-- marks those done; events written before this migration are not delivered.
ALTER TABLE events ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
UPDATE events SET queued = 1;
CREATE INDEX events_unqueued ON events (id) WHERE queued = 0;

CREATE TABLE event_destinations (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    url            TEXT NOT NULL,
    event_types    TEXT NOT NULL,
    secret         TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    after_event_id INTEGER NOT NULL,
    lease_owner    TEXT NOT NULL DEFAULT '',
    lease_until    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX event_destinations_account ON event_destinations (account_id, id);

-- A delivery of an event to a destination; deliveries of one ordering key (an agreement) to a
-- destination are made in id order.
CREATE TABLE event_deliveries (
    id             INTEGER PRIMARY KEY,
    destination_id TEXT NOT NULL,
    event_id       INTEGER NOT NULL,
    ordering_key   TEXT NOT NULL,
    status         TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    next_at        INTEGER NOT NULL
) STRICT;
-- What a destination has to deliver, in queue order; and which of it failed and waits for a
-- retry (next_at), holding back the later deliveries of its key. A delivery never attempted is
-- due at once (next_at 0).
CREATE INDEX event_deliveries_pending ON event_deliveries (destination_id, id) WHERE status = 'pending';
CREATE INDEX event_deliveries_retrying ON event_deliveries (destination_id, ordering_key, id)
    WHERE status = 'pending' AND attempts > 0;

-- The delivery log: one row per attempt.
CREATE TABLE delivery_attempts (
    id             INTEGER PRIMARY KEY,
    delivery_id    INTEGER NOT NULL,
    destination_id TEXT NOT NULL,
    event_uid      TEXT NOT NULL,
    detail_type    TEXT NOT NULL,
    time           INTEGER NOT NULL,
    wall_time      INTEGER NOT NULL,
    status         TEXT NOT NULL,
    status_code    INTEGER NOT NULL,
    error          TEXT NOT NULL,
    duration_us    INTEGER NOT NULL
) STRICT;
CREATE INDEX delivery_attempts_destination ON delivery_attempts (destination_id, id);
CREATE INDEX delivery_attempts_event ON delivery_attempts (event_uid, id);

-- +goose Down
DROP TABLE delivery_attempts;
DROP TABLE event_deliveries;
DROP TABLE event_destinations;
DROP INDEX events_unqueued;
ALTER TABLE events DROP COLUMN queued;
