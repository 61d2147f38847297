-- +goose Up
-- A SaaS product's registration page, where a subscribing buyer is sent with a registration
-- token, and whether its integration still uses the legacy customer identifier.
ALTER TABLE products ADD COLUMN fulfillment_url TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN customer_identifier INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE products DROP COLUMN customer_identifier;
ALTER TABLE products DROP COLUMN fulfillment_url;
