-- Collections and disbursements: what each invoice's buyer has paid, the payments themselves,
-- and the payout of sellers' proceeds, one line per invoice or credit memo. Amounts are integers
-- of 10^-8 units; times are unix microseconds in UTC, 0 for the zero time. Names and IDs compare
-- byte by byte (COLLATE "C"), as in SQLite.

-- +goose Up
-- The daily settlement opens receivables for the invoices issued since its last run, and finds
-- the credit memos issued since then.
CREATE INDEX invoices_issued ON invoices (issued_at);

-- Metering finds a product's agreements with the customers of a batch; the index holds all it
-- reads of them (their spans), so the agreements themselves are not read.
CREATE INDEX agreements_customer ON agreements (product_id, acceptor_id, id, status, start_time, end_time, updated_at);

CREATE TABLE receivables (
    invoice_id   TEXT COLLATE "C" PRIMARY KEY,
    agreement_id TEXT COLLATE "C" NOT NULL,
    buyer_id     TEXT COLLATE "C" NOT NULL,
    seller_id    TEXT COLLATE "C" NOT NULL,
    currency     TEXT COLLATE "C" NOT NULL,
    due_at       BIGINT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    collected    BIGINT NOT NULL,
    collected_at BIGINT NOT NULL
);
CREATE INDEX receivables_status ON receivables (status, invoice_id);
CREATE INDEX receivables_seller ON receivables (seller_id, invoice_id);

CREATE TABLE payments (
    id         TEXT COLLATE "C" PRIMARY KEY,
    invoice_id TEXT COLLATE "C" NOT NULL,
    buyer_id   TEXT COLLATE "C" NOT NULL,
    seller_id  TEXT COLLATE "C" NOT NULL,
    currency   TEXT COLLATE "C" NOT NULL,
    amount     BIGINT NOT NULL,
    time       BIGINT NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX payments_seller ON payments (seller_id, time, id);
CREATE INDEX payments_invoice ON payments (invoice_id);

-- A document (invoice or credit memo) has at most one payout line: the primary key is what
-- keeps a disbursement from paying the same invoice twice. payout_id is '' until disbursed.
CREATE TABLE payout_lines (
    document_id TEXT COLLATE "C" PRIMARY KEY,
    invoice_id  TEXT COLLATE "C" NOT NULL,
    seller_id   TEXT COLLATE "C" NOT NULL,
    currency    TEXT COLLATE "C" NOT NULL,
    amount      BIGINT NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    eligible_at BIGINT NOT NULL,
    payout_id   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX payout_lines_pending ON payout_lines (payout_id, seller_id, currency, eligible_at);
CREATE INDEX payout_lines_seller ON payout_lines (seller_id, eligible_at, document_id);

CREATE TABLE payouts (
    id            TEXT COLLATE "C" PRIMARY KEY,
    seller_id     TEXT COLLATE "C" NOT NULL,
    currency      TEXT COLLATE "C" NOT NULL,
    amount        BIGINT NOT NULL,
    lines         INTEGER NOT NULL,
    time          BIGINT NOT NULL,
    bank_type     TEXT COLLATE "C" NOT NULL,
    bank_currency TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX payouts_seller ON payouts (seller_id, time, id);

-- +goose Down
DROP TABLE payouts;
DROP TABLE payout_lines;
DROP TABLE payments;
DROP TABLE receivables;
DROP INDEX agreements_customer;
DROP INDEX invoices_issued;
