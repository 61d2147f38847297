-- +goose Up
-- Refund requests (cases) filed by buyers and sellers; lists follow (x, created_at, id).
CREATE TABLE refund_cases (
    id                TEXT COLLATE "C" PRIMARY KEY,
    filed_by          TEXT COLLATE "C" NOT NULL,
    buyer_id          TEXT COLLATE "C" NOT NULL,
    seller_id         TEXT COLLATE "C" NOT NULL,
    product_id        TEXT COLLATE "C" NOT NULL,
    agreement_id      TEXT COLLATE "C" NOT NULL,
    kind              TEXT NOT NULL,
    invoice_ids       TEXT NOT NULL,
    periods           TEXT NOT NULL,
    amount            BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    cancellation_date BIGINT NOT NULL,
    comments          TEXT NOT NULL,
    status            TEXT COLLATE "C" NOT NULL,
    status_reason     TEXT NOT NULL,
    rule              TEXT NOT NULL,
    adjustments       TEXT NOT NULL,
    cancelled         BOOLEAN NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX refund_cases_seller ON refund_cases (seller_id, created_at, id);
CREATE INDEX refund_cases_buyer ON refund_cases (buyer_id, created_at, id);
CREATE INDEX refund_cases_agreement ON refund_cases (agreement_id, created_at, id);
CREATE INDEX refund_cases_status ON refund_cases (status, created_at, id);

-- +goose Down
DROP TABLE refund_cases;
