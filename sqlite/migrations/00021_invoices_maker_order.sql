-- +goose Up
-- Exports read a maker's documents in keyset pages ordered by issue time, then ID; with the ID
-- in the index, a page whose documents share an issue time (a month's close issues them all
-- at one instant) is an index range, not a sort of every document of that instant.
DROP INDEX invoices_maker;
CREATE INDEX invoices_maker ON invoices (maker_id, issued_at, id) WHERE maker_id <> '';

-- +goose Down
DROP INDEX invoices_maker;
CREATE INDEX invoices_maker ON invoices (maker_id, issued_at) WHERE maker_id <> '';
