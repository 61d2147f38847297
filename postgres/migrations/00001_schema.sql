-- The schema of mercato's store. Amounts are integers of 10^-8 units; times are unix
-- microseconds in UTC, 0 for the zero time; lists and documents are JSON text. Names and
-- IDs compare byte by byte (COLLATE "C"), as in SQLite, so that ordering and AfterID paging
-- agree across databases.

-- +goose Up
CREATE TABLE accounts (
    id               TEXT COLLATE "C" PRIMARY KEY,
    name             TEXT NOT NULL,
    roles            TEXT NOT NULL,
    tax_jurisdiction TEXT COLLATE "C" NOT NULL,
    disbursement     TEXT NOT NULL
);

CREATE TABLE access_keys (
    key_id     TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    secret     TEXT NOT NULL
);
CREATE INDEX access_keys_account ON access_keys (account_id, position);

CREATE TABLE products (
    id            TEXT COLLATE "C" PRIMARY KEY,
    seller_id     TEXT COLLATE "C" NOT NULL,
    type          TEXT COLLATE "C" NOT NULL,
    title         TEXT NOT NULL,
    product_code  TEXT COLLATE "C" NOT NULL,
    refund_policy TEXT NOT NULL,
    visibility    TEXT COLLATE "C" NOT NULL,
    dimensions    TEXT NOT NULL
);
CREATE UNIQUE INDEX products_code ON products (product_code) WHERE product_code <> '';

CREATE TABLE offers (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    proposal_id           TEXT COLLATE "C" NOT NULL,
    product_id            TEXT COLLATE "C" NOT NULL,
    seller_id             TEXT COLLATE "C" NOT NULL,
    visibility            TEXT COLLATE "C" NOT NULL,
    buyers                TEXT NOT NULL,
    expires_at            BIGINT NOT NULL,
    terms                 TEXT NOT NULL,
    replaces_agreement_id TEXT COLLATE "C" NOT NULL,
    renewal               BOOLEAN NOT NULL,
    channel_partner       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX offers_product ON offers (product_id, id);
CREATE INDEX offers_seller ON offers (seller_id, id);
CREATE UNIQUE INDEX offers_proposal ON offers (proposal_id) WHERE proposal_id <> '';

CREATE TABLE agreements (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    offer_id             TEXT COLLATE "C" NOT NULL,
    product_id           TEXT COLLATE "C" NOT NULL,
    product_type         TEXT COLLATE "C" NOT NULL,
    proposer_id          TEXT COLLATE "C" NOT NULL,
    acceptor_id          TEXT COLLATE "C" NOT NULL,
    private              BOOLEAN NOT NULL,
    terms                TEXT NOT NULL,
    status               TEXT COLLATE "C" NOT NULL,
    acceptance_time      BIGINT NOT NULL,
    start_time           BIGINT NOT NULL,
    end_time             BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    initial_agreement_id TEXT COLLATE "C" NOT NULL,
    source_agreement_id  TEXT COLLATE "C" NOT NULL,
    currency             TEXT COLLATE "C" NOT NULL,
    value                BIGINT NOT NULL,
    listing_fee_rate     BIGINT NOT NULL,
    tax_jurisdiction     TEXT COLLATE "C" NOT NULL,
    end_reason           TEXT NOT NULL,
    -- bills_monthly is true when the terms have a recurring payment or usage-based pricing.
    bills_monthly        BOOLEAN NOT NULL
);
CREATE INDEX agreements_proposer ON agreements (proposer_id, id);
CREATE INDEX agreements_acceptor ON agreements (acceptor_id, id);
CREATE INDEX agreements_product ON agreements (product_id, id);
CREATE INDEX agreements_offer ON agreements (offer_id, id);
-- The monthly close pages through agreements that bill monthly, in ID order, keeping those
-- active in the month: the index holds the times, so rejected rows cost no table lookup.
CREATE INDEX agreements_monthly ON agreements (id, start_time, end_time) WHERE bills_monthly;

CREATE TABLE charges (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    agreement_id             TEXT COLLATE "C" NOT NULL,
    key                      TEXT COLLATE "C" NOT NULL,
    kind                     TEXT COLLATE "C" NOT NULL,
    term_id                  TEXT COLLATE "C" NOT NULL,
    revision                 BIGINT NOT NULL,
    currency                 TEXT COLLATE "C" NOT NULL,
    amount                   BIGINT NOT NULL,
    time                     BIGINT NOT NULL,
    period_start             BIGINT NOT NULL,
    period_end               BIGINT NOT NULL,
    description              TEXT NOT NULL,
    status                   TEXT COLLATE "C" NOT NULL,
    invoice_id               TEXT COLLATE "C" NOT NULL,
    purchase_order_reference TEXT COLLATE "C" NOT NULL,
    UNIQUE (agreement_id, key)
);

CREATE TABLE invoices (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    agreement_id        TEXT COLLATE "C" NOT NULL,
    key                 TEXT COLLATE "C" NOT NULL,
    type                TEXT COLLATE "C" NOT NULL,
    seller_id           TEXT COLLATE "C" NOT NULL,
    buyer_id            TEXT COLLATE "C" NOT NULL,
    currency            TEXT COLLATE "C" NOT NULL,
    pre_tax             BIGINT NOT NULL,
    tax                 BIGINT NOT NULL,
    tax_lines           TEXT NOT NULL,
    listing_fee         BIGINT NOT NULL,
    refunded            BIGINT NOT NULL,
    credited            BIGINT NOT NULL,
    credited_tax        BIGINT NOT NULL,
    credited_fee        BIGINT NOT NULL,
    period_year         INTEGER NOT NULL,
    period_month        INTEGER NOT NULL,
    issued_at           BIGINT NOT NULL,
    due_at              BIGINT NOT NULL,
    entity_legal_name   TEXT COLLATE "C" NOT NULL,
    entity_branch_name  TEXT COLLATE "C" NOT NULL,
    original_invoice_id TEXT COLLATE "C" NOT NULL,
    UNIQUE (agreement_id, key)
);
CREATE INDEX invoices_seller ON invoices (seller_id, issued_at, id);
CREATE INDEX invoices_buyer ON invoices (buyer_id, issued_at, id);
-- Credit memos of an invoice; the partial index costs the monthly close nothing.
CREATE INDEX invoices_original ON invoices (original_invoice_id, issued_at, id) WHERE original_invoice_id <> '';

CREATE TABLE ledger_txns (
    id   TEXT COLLATE "C" PRIMARY KEY,
    time BIGINT NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    ref  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE postings (
    txn_id   TEXT COLLATE "C" NOT NULL, -- written with its ledger_txns row
    seq      INTEGER NOT NULL,
    account  TEXT COLLATE "C" NOT NULL,
    currency TEXT COLLATE "C" NOT NULL,
    amount   BIGINT NOT NULL,
    PRIMARY KEY (txn_id, seq)
);
CREATE INDEX postings_account ON postings (account, currency);

CREATE TABLE usage (
    agreement_id TEXT COLLATE "C" NOT NULL,
    dimension    TEXT COLLATE "C" NOT NULL,
    hour         BIGINT NOT NULL,
    quantity     BIGINT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    allocations  TEXT NOT NULL,
    PRIMARY KEY (agreement_id, dimension, hour)
);

CREATE TABLE jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL UNIQUE,
    due_at      BIGINT NOT NULL,
    payload     TEXT,
    status      TEXT COLLATE "C" NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT NOT NULL,
    lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs (status, due_at, id);

CREATE TABLE idempotency (
    caller       TEXT COLLATE "C" NOT NULL,
    operation    TEXT COLLATE "C" NOT NULL,
    token        TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    response     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (caller, operation, token)
);

CREATE TABLE audit (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time          BIGINT NOT NULL,
    wall_time     BIGINT NOT NULL,
    actor         TEXT COLLATE "C" NOT NULL,
    action        TEXT COLLATE "C" NOT NULL,
    resource_type TEXT COLLATE "C" NOT NULL,
    resource_id   TEXT COLLATE "C" NOT NULL,
    client_token  TEXT COLLATE "C" NOT NULL,
    details       TEXT
);
CREATE INDEX audit_resource ON audit (resource_id, id);

CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time        BIGINT NOT NULL,
    account_id  TEXT COLLATE "C" NOT NULL,
    detail_type TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C" NOT NULL,
    detail      TEXT
);
CREATE INDEX events_account ON events (account_id, id);

CREATE TABLE adjustments (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    agreement_id        TEXT COLLATE "C" NOT NULL,
    seller_id           TEXT COLLATE "C" NOT NULL,
    buyer_id            TEXT COLLATE "C" NOT NULL,
    original_invoice_id TEXT COLLATE "C" NOT NULL,
    amount              BIGINT NOT NULL,
    currency            TEXT COLLATE "C" NOT NULL,
    reason_code         TEXT COLLATE "C" NOT NULL,
    description         TEXT NOT NULL,
    client_token        TEXT COLLATE "C" NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,
    status_message      TEXT NOT NULL,
    credit_memo_id      TEXT COLLATE "C" NOT NULL,
    policy_rule         TEXT COLLATE "C" NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX adjustments_token ON adjustments (seller_id, client_token) WHERE client_token <> '';
CREATE INDEX adjustments_seller ON adjustments (seller_id, created_at, id);
CREATE INDEX adjustments_agreement ON adjustments (agreement_id, created_at, id);
CREATE INDEX adjustments_invoice ON adjustments (original_invoice_id, created_at, id);
CREATE INDEX adjustments_status ON adjustments (status, created_at, id);

CREATE TABLE cancellation_requests (
    id             TEXT COLLATE "C" PRIMARY KEY,
    agreement_id   TEXT COLLATE "C" NOT NULL,
    seller_id      TEXT COLLATE "C" NOT NULL,
    buyer_id       TEXT COLLATE "C" NOT NULL,
    reason_code    TEXT COLLATE "C" NOT NULL,
    description    TEXT NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    status_message TEXT NOT NULL,
    client_token   TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX cancellation_requests_seller ON cancellation_requests (seller_id, created_at, id);
CREATE INDEX cancellation_requests_buyer ON cancellation_requests (buyer_id, created_at, id);
CREATE INDEX cancellation_requests_agreement ON cancellation_requests (agreement_id, created_at, id);
CREATE INDEX cancellation_requests_status ON cancellation_requests (status, created_at, id);

CREATE TABLE payment_requests (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    agreement_id             TEXT COLLATE "C" NOT NULL,
    seller_id                TEXT COLLATE "C" NOT NULL,
    buyer_id                 TEXT COLLATE "C" NOT NULL,
    term_id                  TEXT COLLATE "C" NOT NULL,
    name                     TEXT NOT NULL,
    description              TEXT NOT NULL,
    amount                   BIGINT NOT NULL,
    currency                 TEXT COLLATE "C" NOT NULL,
    status                   TEXT COLLATE "C" NOT NULL,
    status_message           TEXT NOT NULL,
    charge_id                TEXT COLLATE "C" NOT NULL,
    purchase_order_reference TEXT COLLATE "C" NOT NULL,
    client_token             TEXT COLLATE "C" NOT NULL,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE INDEX payment_requests_seller ON payment_requests (seller_id, created_at, id);
CREATE INDEX payment_requests_buyer ON payment_requests (buyer_id, created_at, id);
CREATE INDEX payment_requests_agreement ON payment_requests (agreement_id, created_at, id);
CREATE INDEX payment_requests_status ON payment_requests (status, created_at, id);

CREATE TABLE agreement_requests (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    buyer_id            TEXT COLLATE "C" NOT NULL,
    intent              TEXT COLLATE "C" NOT NULL,
    offer_id            TEXT COLLATE "C" NOT NULL,
    source_agreement_id TEXT COLLATE "C" NOT NULL,
    terms               TEXT NOT NULL,
    client_token        TEXT COLLATE "C" NOT NULL,
    agreement_id        TEXT COLLATE "C" NOT NULL,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL
);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

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
