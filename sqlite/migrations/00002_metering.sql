-- Collections and disbursements: what each invoice's buyer has paid, the payments themselves,
-- and the payout of sellers' proceeds, one line per invoice or credit memo. Amounts are integers
-- of 10^-8 units; times are unix microseconds in UTC, 0 for the zero time.

-- +goose Up
-- The daily settlement opens receivables for the invoices issued since its last run, and finds
-- the credit memos issued since then.
CREATE INDEX invoices_issued ON invoices (issued_at);

-- Metering finds a product's agreements with the customers of a batch; the index holds all it
-- reads of them (their spans), so the agreements themselves are not read.
CREATE INDEX agreements_customer ON agreements (product_id, acceptor_id, id, status, start_time, end_time, updated_at);

-- Usage records are many and small, and looked up by their key: keep them in their key's
-- B-tree alone (WITHOUT ROWID) instead of a table and an index, which halves the cost of each
-- insert.
CREATE TABLE usage_by_key (
    agreement_id TEXT NOT NULL,
    dimension    TEXT NOT NULL,
    hour         INTEGER NOT NULL,
    quantity     INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    allocations  TEXT NOT NULL,
    PRIMARY KEY (agreement_id, dimension, hour)
) STRICT, WITHOUT ROWID;
INSERT INTO usage_by_key SELECT agreement_id, dimension, hour, quantity, recorded_at, allocations FROM usage;
DROP TABLE usage;
ALTER TABLE usage_by_key RENAME TO usage;

CREATE TABLE receivables (
    invoice_id   TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL,
    buyer_id     TEXT NOT NULL,
    seller_id    TEXT NOT NULL,
    currency     TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    status       TEXT NOT NULL,
    collected    INTEGER NOT NULL,
    collected_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX receivables_status ON receivables (status, invoice_id);
CREATE INDEX receivables_seller ON receivables (seller_id, invoice_id);

CREATE TABLE payments (
    id         TEXT PRIMARY KEY,
    invoice_id TEXT NOT NULL,
    buyer_id   TEXT NOT NULL,
    seller_id  TEXT NOT NULL,
    currency   TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    kind       TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX payments_seller ON payments (seller_id, time, id);
CREATE INDEX payments_invoice ON payments (invoice_id);

-- A document (invoice or credit memo) has at most one payout line: the primary key is what
-- keeps a disbursement from paying the same invoice twice. payout_id is '' until disbursed.
CREATE TABLE payout_lines (
    document_id TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL,
    seller_id   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    eligible_at INTEGER NOT NULL,
    payout_id   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX payout_lines_pending ON payout_lines (payout_id, seller_id, currency, eligible_at);
CREATE INDEX payout_lines_seller ON payout_lines (seller_id, eligible_at, document_id);

CREATE TABLE payouts (
    id            TEXT PRIMARY KEY,
    seller_id     TEXT NOT NULL,
    currency      TEXT NOT NULL,
    amount        INTEGER NOT NULL,
    lines         INTEGER NOT NULL,
    time          INTEGER NOT NULL,
    bank_type     TEXT NOT NULL,
    bank_currency TEXT NOT NULL,
    status        TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX payouts_seller ON payouts (seller_id, time, id);

-- +goose Down
CREATE TABLE usage_rowid (
    agreement_id TEXT NOT NULL,
    dimension    TEXT NOT NULL,
    hour         INTEGER NOT NULL,
    quantity     INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    allocations  TEXT NOT NULL,
    PRIMARY KEY (agreement_id, dimension, hour)
) STRICT;
INSERT INTO usage_rowid SELECT * FROM usage;
DROP TABLE usage;
ALTER TABLE usage_rowid RENAME TO usage;
DROP TABLE payouts;
DROP TABLE payout_lines;
DROP TABLE payments;
DROP TABLE receivables;
DROP INDEX agreements_customer;
DROP INDEX invoices_issued;
