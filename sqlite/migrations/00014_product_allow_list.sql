-- +goose Up
-- A limited product is seen and bought only by the buyer accounts of its allow-list (JSON array).
ALTER TABLE products ADD COLUMN allowed_buyers TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE products DROP COLUMN allowed_buyers;
