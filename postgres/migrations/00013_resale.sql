-- +goose Up
-- Channel-partner resales: an offer and its agreement carry the resale terms (JSON, 'null' for
-- a direct deal), and each invoice and credit memo the product maker's part of it.
ALTER TABLE offers ADD COLUMN resale TEXT NOT NULL DEFAULT 'null';
ALTER TABLE agreements ADD COLUMN resale TEXT NOT NULL DEFAULT 'null';
ALTER TABLE invoices ADD COLUMN maker_id TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN maker_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN maker_fee BIGINT NOT NULL DEFAULT 0;
-- A maker's reconciliation reads the documents of its resales.
CREATE INDEX invoices_maker ON invoices (maker_id, issued_at) WHERE maker_id <> '';

-- A resale's document pays out to two sellers, so a payout line is one per document and
-- seller: the key still keeps a disbursement from paying anyone's part twice.
ALTER TABLE payout_lines DROP CONSTRAINT payout_lines_pkey;
ALTER TABLE payout_lines ADD PRIMARY KEY (document_id, seller_id);

-- +goose Down
DELETE FROM payout_lines l WHERE EXISTS (SELECT 1 FROM invoices i
    WHERE i.id = l.document_id AND i.maker_id = l.seller_id AND i.maker_id <> '');
ALTER TABLE payout_lines DROP CONSTRAINT payout_lines_pkey;
ALTER TABLE payout_lines ADD PRIMARY KEY (document_id);
DROP INDEX invoices_maker;
ALTER TABLE invoices DROP COLUMN maker_fee;
ALTER TABLE invoices DROP COLUMN maker_amount;
ALTER TABLE invoices DROP COLUMN maker_id;
ALTER TABLE agreements DROP COLUMN resale;
ALTER TABLE offers DROP COLUMN resale;
