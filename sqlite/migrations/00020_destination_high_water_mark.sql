-- +goose Up
-- A destination reads its account's events in queue order from its own high-water mark, the
-- queue position up to which every event was either delivered at its first attempt (with its
-- attempt in the log) or queued as a delivery row (a failure, or one held back behind an
-- earlier failure of its key). A destination that delivers at once writes no delivery rows.
-- Existing destinations had a delivery row queued for every event queued so far.
ALTER TABLE event_destinations ADD COLUMN queued_through INTEGER NOT NULL DEFAULT 0;
UPDATE event_destinations SET queued_through = (SELECT COALESCE(MAX(queue_position), 0) FROM events);

-- +goose Down
-- Events after a destination's mark have no delivery row, and the code before this migration
-- queues only unqueued events: those are queued again (at new positions), so that nothing is
-- lost; a destination or a follower may receive some of them twice.
UPDATE events SET queue_position = 0
    WHERE queue_position > (SELECT MIN(queued_through) FROM event_destinations);
ALTER TABLE event_destinations DROP COLUMN queued_through;
