-- +goose Up
-- Billing adjustments are listed per seller, and per agreement, never by status or invoice
-- alone: those two indexes only cost writes, on every adjustment accepted or completed.
DROP INDEX adjustments_status;
DROP INDEX adjustments_invoice;

-- +goose Down
CREATE INDEX adjustments_invoice ON adjustments (original_invoice_id, created_at, id);
CREATE INDEX adjustments_status ON adjustments (status, created_at, id);
