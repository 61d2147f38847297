-- +goose Up
-- Billing adjustments are listed per seller (and agreement or invoice), never by status alone,
-- so the status index only cost a write whenever the processor completed an adjustment.
DROP INDEX adjustments_status;

-- +goose Down
CREATE INDEX adjustments_status ON adjustments (status, created_at, id);
