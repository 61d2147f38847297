-- +goose Up
-- Events carry what an EventBridge event carries: their own identifier (the envelope's id and
-- the webhook-id of every delivery), a source, and the ARNs of the resources they are about.
-- Events written before have an identifier made from their outbox position.
ALTER TABLE events ADD COLUMN uid TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN source TEXT COLLATE "C" NOT NULL DEFAULT 'mercato';
ALTER TABLE events ADD COLUMN resources TEXT;
UPDATE events SET uid = 'evt-' || id;
UPDATE events SET source = 'aws.agreement-marketplace'
 WHERE detail_type LIKE 'Purchase Agreement %' OR detail_type LIKE 'Agreement Cancellation Request %';
CREATE UNIQUE INDEX events_uid ON events (uid);

-- +goose Down
DROP INDEX events_uid;
ALTER TABLE events DROP COLUMN resources;
ALTER TABLE events DROP COLUMN source;
ALTER TABLE events DROP COLUMN uid;
