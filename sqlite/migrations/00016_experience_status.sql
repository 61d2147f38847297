-- +goose Up
-- A private marketplace can be disabled (it governs nobody until enabled again, keeping its
-- audience and products), and can refuse its buyers' product requests (the Catalog API's
-- UpdateExperience Status and UpdateProcurementPolicy PolicyResourceRequests).
ALTER TABLE private_marketplaces ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE private_marketplaces ADD COLUMN requests_denied INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE private_marketplaces DROP COLUMN requests_denied;
ALTER TABLE private_marketplaces DROP COLUMN disabled;
