-- +goose Up
-- Organisations: a linked account's payer, billed for what the linked account subscribes to.
ALTER TABLE accounts ADD COLUMN payer TEXT NOT NULL DEFAULT '';

-- Private marketplaces: an administrator's allow-list of products (JSON, read whole by every
-- acceptance check) and the buyer accounts it governs, each by one marketplace at most.
CREATE TABLE private_marketplaces (
    id       TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    products TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX private_marketplaces_admin ON private_marketplaces (admin_id, id);

CREATE TABLE private_marketplace_accounts (
    account_id     TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL REFERENCES private_marketplaces (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX private_marketplace_accounts_marketplace ON private_marketplace_accounts (marketplace_id, position);

CREATE TABLE product_requests (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL,
    buyer_id       TEXT NOT NULL,
    product_id     TEXT NOT NULL,
    note           TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX product_requests_marketplace ON product_requests (marketplace_id, created_at, id);
CREATE INDEX product_requests_buyer ON product_requests (buyer_id, created_at, id);

-- +goose Down
DROP TABLE product_requests;
DROP TABLE private_marketplace_accounts;
DROP TABLE private_marketplaces;
ALTER TABLE accounts DROP COLUMN payer;
