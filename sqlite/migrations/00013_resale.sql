-- +goose Up
-- Channel-partner resales: an offer and its agreement carry the resale terms (JSON, 'null' for
-- a direct deal), and each invoice and credit memo the product maker's part of it.
ALTER TABLE offers ADD COLUMN resale TEXT NOT NULL DEFAULT 'null';
ALTER TABLE agreements ADD COLUMN resale TEXT NOT NULL DEFAULT 'null';
ALTER TABLE invoices ADD COLUMN maker_id TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN maker_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN maker_fee INTEGER NOT NULL DEFAULT 0;
-- A maker's reconciliation reads the documents of its resales.
CREATE INDEX invoices_maker ON invoices (maker_id, issued_at) WHERE maker_id <> '';

-- A resale's document pays out to two sellers, so a payout line is one per document and
-- seller: the key still keeps a disbursement from paying anyone's part twice. SQLite cannot
-- change a primary key in place; the table is rebuilt.
CREATE TABLE payout_lines_new (
    document_id TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    seller_id   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    eligible_at INTEGER NOT NULL,
    payout_id   TEXT NOT NULL,
    PRIMARY KEY (document_id, seller_id)
) STRICT, WITHOUT ROWID;
INSERT INTO payout_lines_new SELECT document_id, invoice_id, seller_id, currency, amount, kind, eligible_at, payout_id
    FROM payout_lines;
DROP TABLE payout_lines;
ALTER TABLE payout_lines_new RENAME TO payout_lines;
CREATE INDEX payout_lines_pending ON payout_lines (payout_id, seller_id, currency, eligible_at);
CREATE INDEX payout_lines_seller ON payout_lines (seller_id, eligible_at, document_id);

-- +goose Down
CREATE TABLE payout_lines_old (
    document_id TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL,
    seller_id   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    eligible_at INTEGER NOT NULL,
    payout_id   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO payout_lines_old SELECT document_id, invoice_id, seller_id, currency, amount, kind, eligible_at, payout_id
    FROM payout_lines;
DROP TABLE payout_lines;
ALTER TABLE payout_lines_old RENAME TO payout_lines;
CREATE INDEX payout_lines_pending ON payout_lines (payout_id, seller_id, currency, eligible_at);
CREATE INDEX payout_lines_seller ON payout_lines (seller_id, eligible_at, document_id);
DROP INDEX invoices_maker;
ALTER TABLE invoices DROP COLUMN maker_fee;
ALTER TABLE invoices DROP COLUMN maker_amount;
ALTER TABLE invoices DROP COLUMN maker_id;
ALTER TABLE agreements DROP COLUMN resale;
ALTER TABLE offers DROP COLUMN resale;
