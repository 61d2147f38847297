-- +goose Up
-- Finished deliveries and the delivery log are kept for mercato.DeliveryLogRetention; these
-- find the oldest of them without reading the tables whole.
CREATE INDEX event_deliveries_finished ON event_deliveries (created_at) WHERE status <> 'pending';
CREATE INDEX delivery_attempts_time ON delivery_attempts (time);

-- +goose Down
DROP INDEX delivery_attempts_time;
DROP INDEX event_deliveries_finished;
