-- +goose Up
-- A usage charge names the dimension and the quantity it prices: in a resale the maker is owed
-- its own per-unit rate times that quantity, which the charge's amount (the buyer's rate times
-- it, rounded) cannot give back. Other charges keep '' and 0.
ALTER TABLE charges ADD COLUMN dimension TEXT NOT NULL DEFAULT '';
ALTER TABLE charges ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE charges DROP COLUMN quantity;
ALTER TABLE charges DROP COLUMN dimension;
