-- The schema of mercato's store. Amounts are integers of 10^-8 units; times are unix
-- microseconds in UTC, 0 for the zero time; lists and documents are JSON text.

-- +goose Up
CREATE TABLE accounts (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    roles            TEXT NOT NULL,
    tax_jurisdiction TEXT NOT NULL,
    disbursement     TEXT NOT NULL
) STRICT;

CREATE TABLE access_keys (
    key_id     TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    secret     TEXT NOT NULL
) STRICT;
CREATE INDEX access_keys_account ON access_keys (account_id, position);

CREATE TABLE products (
    id            TEXT PRIMARY KEY,
    seller_id     TEXT NOT NULL,
    type          TEXT NOT NULL,
    title         TEXT NOT NULL,
    product_code  TEXT NOT NULL,
    refund_policy TEXT NOT NULL,
    visibility    TEXT NOT NULL,
    dimensions    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX products_code ON products (product_code) WHERE product_code <> '';

CREATE TABLE offers (
    id                    TEXT PRIMARY KEY,
    proposal_id           TEXT NOT NULL,
    product_id            TEXT NOT NULL,
    seller_id             TEXT NOT NULL,
    visibility            TEXT NOT NULL,
    buyers                TEXT NOT NULL,
    expires_at            INTEGER NOT NULL,
    terms                 TEXT NOT NULL,
    replaces_agreement_id TEXT NOT NULL,
    renewal               INTEGER NOT NULL,
    channel_partner       TEXT NOT NULL
) STRICT;
CREATE INDEX offers_product ON offers (product_id, id);
CREATE INDEX offers_seller ON offers (seller_id, id);
CREATE UNIQUE INDEX offers_proposal ON offers (proposal_id) WHERE proposal_id <> '';

CREATE TABLE agreements (
    id                   TEXT PRIMARY KEY,
    offer_id             TEXT NOT NULL,
    product_id           TEXT NOT NULL,
    product_type         TEXT NOT NULL,
    proposer_id          TEXT NOT NULL,
    acceptor_id          TEXT NOT NULL,
    private              INTEGER NOT NULL,
    terms                TEXT NOT NULL,
    status               TEXT NOT NULL,
    acceptance_time      INTEGER NOT NULL,
    start_time           INTEGER NOT NULL,
    end_time             INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    initial_agreement_id TEXT NOT NULL,
    source_agreement_id  TEXT NOT NULL,
    currency             TEXT NOT NULL,
    value                INTEGER NOT NULL,
    listing_fee_rate     INTEGER NOT NULL,
    tax_jurisdiction     TEXT NOT NULL,
    end_reason           TEXT NOT NULL,
    -- bills_monthly is 1 when the terms have a recurring payment or usage-based pricing.
    bills_monthly        INTEGER NOT NULL
) STRICT;
CREATE INDEX agreements_proposer ON agreements (proposer_id, id);
CREATE INDEX agreements_acceptor ON agreements (acceptor_id, id);
CREATE INDEX agreements_product ON agreements (product_id, id);
CREATE INDEX agreements_offer ON agreements (offer_id, id);
-- The monthly close pages through agreements that bill monthly, in ID order, keeping those
-- active in the month: the index holds the times, so rejected rows cost no table lookup.
CREATE INDEX agreements_monthly ON agreements (id, start_time, end_time) WHERE bills_monthly;

CREATE TABLE charges (
    id                       TEXT PRIMARY KEY,
    agreement_id             TEXT NOT NULL,
    key                      TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    term_id                  TEXT NOT NULL,
    revision                 INTEGER NOT NULL,
    currency                 TEXT NOT NULL,
    amount                   INTEGER NOT NULL,
    time                     INTEGER NOT NULL,
    period_start             INTEGER NOT NULL,
    period_end               INTEGER NOT NULL,
    description              TEXT NOT NULL,
    status                   TEXT NOT NULL,
    invoice_id               TEXT NOT NULL,
    purchase_order_reference TEXT NOT NULL,
    UNIQUE (agreement_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE invoices (
    id                  TEXT PRIMARY KEY,
    agreement_id        TEXT NOT NULL,
    key                 TEXT NOT NULL,
    type                TEXT NOT NULL,
    seller_id           TEXT NOT NULL,
    buyer_id            TEXT NOT NULL,
    currency            TEXT NOT NULL,
    pre_tax             INTEGER NOT NULL,
    tax                 INTEGER NOT NULL,
    tax_lines           TEXT NOT NULL,
    listing_fee         INTEGER NOT NULL,
    refunded            INTEGER NOT NULL,
    credited            INTEGER NOT NULL,
    credited_tax        INTEGER NOT NULL,
    credited_fee        INTEGER NOT NULL,
    period_year         INTEGER NOT NULL,
    period_month        INTEGER NOT NULL,
    issued_at           INTEGER NOT NULL,
    due_at              INTEGER NOT NULL,
    entity_legal_name   TEXT NOT NULL,
    entity_branch_name  TEXT NOT NULL,
    original_invoice_id TEXT NOT NULL,
    UNIQUE (agreement_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX invoices_seller ON invoices (seller_id, issued_at, id);
CREATE INDEX invoices_buyer ON invoices (buyer_id, issued_at, id);
-- Credit memos of an invoice; the partial index costs the monthly close nothing.
CREATE INDEX invoices_original ON invoices (original_invoice_id, issued_at, id) WHERE original_invoice_id <> '';

CREATE TABLE ledger_txns (
    id   TEXT PRIMARY KEY,
    time INTEGER NOT NULL,
    kind TEXT NOT NULL,
    ref  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE postings (
    txn_id   TEXT NOT NULL, -- written with its ledger_txns row, in one statement pair
    seq      INTEGER NOT NULL,
    account  TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount   INTEGER NOT NULL,
    PRIMARY KEY (txn_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX postings_account ON postings (account, currency);

CREATE TABLE usage (
    agreement_id TEXT NOT NULL,
    dimension    TEXT NOT NULL,
    hour         INTEGER NOT NULL,
    quantity     INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    allocations  TEXT NOT NULL,
    PRIMARY KEY (agreement_id, dimension, hour)
) STRICT;

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    due_at      INTEGER NOT NULL,
    payload     TEXT,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX jobs_due ON jobs (status, due_at, id);

CREATE TABLE idempotency (
    caller       TEXT NOT NULL,
    operation    TEXT NOT NULL,
    token        TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (caller, operation, token)
) STRICT;

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    time          INTEGER NOT NULL,
    wall_time     INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    client_token  TEXT NOT NULL,
    details       TEXT
) STRICT;
CREATE INDEX audit_resource ON audit (resource_id, id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,
    account_id  TEXT NOT NULL,
    detail_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    detail      TEXT
) STRICT;
CREATE INDEX events_account ON events (account_id, id);

CREATE TABLE adjustments (
    id                  TEXT PRIMARY KEY,
    agreement_id        TEXT NOT NULL,
    seller_id           TEXT NOT NULL,
    buyer_id            TEXT NOT NULL,
    original_invoice_id TEXT NOT NULL,
    amount              INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    reason_code         TEXT NOT NULL,
    description         TEXT NOT NULL,
    client_token        TEXT NOT NULL,
    status              TEXT NOT NULL,
    status_message      TEXT NOT NULL,
    credit_memo_id      TEXT NOT NULL,
    policy_rule         TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX adjustments_token ON adjustments (seller_id, client_token) WHERE client_token <> '';
CREATE INDEX adjustments_seller ON adjustments (seller_id, created_at, id);
CREATE INDEX adjustments_agreement ON adjustments (agreement_id, created_at, id);
CREATE INDEX adjustments_invoice ON adjustments (original_invoice_id, created_at, id);
CREATE INDEX adjustments_status ON adjustments (status, created_at, id);

CREATE TABLE cancellation_requests (
    id             TEXT PRIMARY KEY,
    agreement_id   TEXT NOT NULL,
    seller_id      TEXT NOT NULL,
    buyer_id       TEXT NOT NULL,
    reason_code    TEXT NOT NULL,
    description    TEXT NOT NULL,
    status         TEXT NOT NULL,
    status_message TEXT NOT NULL,
    client_token   TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX cancellation_requests_seller ON cancellation_requests (seller_id, created_at, id);
CREATE INDEX cancellation_requests_buyer ON cancellation_requests (buyer_id, created_at, id);
CREATE INDEX cancellation_requests_agreement ON cancellation_requests (agreement_id, created_at, id);
CREATE INDEX cancellation_requests_status ON cancellation_requests (status, created_at, id);

CREATE TABLE payment_requests (
    id                       TEXT PRIMARY KEY,
    agreement_id             TEXT NOT NULL,
    seller_id                TEXT NOT NULL,
    buyer_id                 TEXT NOT NULL,
    term_id                  TEXT NOT NULL,
    name                     TEXT NOT NULL,
    description              TEXT NOT NULL,
    amount                   INTEGER NOT NULL,
    currency                 TEXT NOT NULL,
    status                   TEXT NOT NULL,
    status_message           TEXT NOT NULL,
    charge_id                TEXT NOT NULL,
    purchase_order_reference TEXT NOT NULL,
    client_token             TEXT NOT NULL,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX payment_requests_seller ON payment_requests (seller_id, created_at, id);
CREATE INDEX payment_requests_buyer ON payment_requests (buyer_id, created_at, id);
CREATE INDEX payment_requests_agreement ON payment_requests (agreement_id, created_at, id);
CREATE INDEX payment_requests_status ON payment_requests (status, created_at, id);

-- agreement_requests holds terms, which may be large: a rowid table, like offers and
-- agreements (WITHOUT ROWID suits small rows).
CREATE TABLE agreement_requests (
    id                  TEXT PRIMARY KEY,
    buyer_id            TEXT NOT NULL,
    intent              TEXT NOT NULL,
    offer_id            TEXT NOT NULL,
    source_agreement_id TEXT NOT NULL,
    terms               TEXT NOT NULL,
    client_token        TEXT NOT NULL,
    agreement_id        TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE settings;
DROP TABLE agreement_requests;
DROP TABLE payment_requests;
DROP TABLE cancellation_requests;
DROP TABLE adjustments;
DROP TABLE events;
DROP TABLE audit;
DROP TABLE idempotency;
DROP TABLE jobs;
DROP TABLE usage;
DROP TABLE postings;
DROP TABLE ledger_txns;
DROP TABLE invoices;
DROP TABLE charges;
DROP TABLE agreements;
DROP TABLE offers;
DROP TABLE products;
DROP TABLE access_keys;
DROP TABLE accounts;
