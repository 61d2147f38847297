-- +goose Up
-- Keys are managed online: each carries an optional IAM policy, may be revoked, and records when
-- it was created. Secrets written from now on are encrypted by the service (AES-GCM).
ALTER TABLE access_keys ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE access_keys ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE access_keys ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE access_keys DROP COLUMN created_at;
ALTER TABLE access_keys DROP COLUMN status;
ALTER TABLE access_keys DROP COLUMN policy;
