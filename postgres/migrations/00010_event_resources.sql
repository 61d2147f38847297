-- +goose Up
-- An agreement's history lists the events told of it and of its requests, by resource.
CREATE INDEX events_resource ON events (resource_id, id);

-- +goose Down
DROP INDEX events_resource;
