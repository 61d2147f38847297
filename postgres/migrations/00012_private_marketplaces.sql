-- +goose Up
-- Organisations: a linked account's payer, billed for what the linked account subscribes to.
ALTER TABLE accounts ADD COLUMN payer TEXT COLLATE "C" NOT NULL DEFAULT '';

-- Private marketplaces: an administrator's allow-list of products (JSON, read whole by every
-- acceptance check) and the buyer accounts it governs, each by one marketplace at most.
CREATE TABLE private_marketplaces (
    id       TEXT COLLATE "C" PRIMARY KEY,
    admin_id TEXT COLLATE "C" NOT NULL,
    name     TEXT NOT NULL,
    products TEXT NOT NULL
);
CREATE INDEX private_marketplaces_admin ON private_marketplaces (admin_id, id);

CREATE TABLE private_marketplace_accounts (
    account_id     TEXT COLLATE "C" PRIMARY KEY,
    marketplace_id TEXT COLLATE "C" NOT NULL REFERENCES private_marketplaces (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL
);
CREATE INDEX private_marketplace_accounts_marketplace ON private_marketplace_accounts (marketplace_id, position);

CREATE TABLE product_requests (
    id             TEXT COLLATE "C" PRIMARY KEY,
    marketplace_id TEXT COLLATE "C" NOT NULL,
    buyer_id       TEXT COLLATE "C" NOT NULL,
    product_id     TEXT COLLATE "C" NOT NULL,
    note           TEXT NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    reason         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT NOT NULL
);
CREATE INDEX product_requests_marketplace ON product_requests (marketplace_id, created_at, id);
CREATE INDEX product_requests_buyer ON product_requests (buyer_id, created_at, id);

-- +goose Down
DROP TABLE product_requests;
DROP TABLE private_marketplace_accounts;
DROP TABLE private_marketplaces;
ALTER TABLE accounts DROP COLUMN payer;
