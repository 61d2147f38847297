-- +goose Up
-- Resale authorizations of the Catalog: an ISV's permission to one channel partner to resell a
-- product. Read whole (JSON) by the change sets that use them; listed by either party.
CREATE TABLE resale_authorizations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    manufacturer_id TEXT COLLATE "C" NOT NULL,
    reseller_id     TEXT COLLATE "C" NOT NULL,
    doc             TEXT NOT NULL
);
CREATE INDEX resale_authorizations_manufacturer ON resale_authorizations (manufacturer_id, id);
CREATE INDEX resale_authorizations_reseller ON resale_authorizations (reseller_id, id);

-- +goose Down
DROP TABLE resale_authorizations;
