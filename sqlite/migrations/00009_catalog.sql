-- +goose Up
-- Offers become drafts that the seller releases through the Catalog API. Offers stored before
-- keep an empty state, which counts as released: buyers could already accept them. listing
-- holds the Catalog API's name, description, country targeting and dates (JSON).
ALTER TABLE offers ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN listing TEXT NOT NULL DEFAULT '{}';

-- change_sets holds the Catalog API's change sets; changes (JSON) carry their details and
-- errors. An open change set (PREPARING, APPLYING) holds its entities.
CREATE TABLE change_sets (
    id           TEXT PRIMARY KEY,
    seller_id    TEXT NOT NULL,
    status       TEXT NOT NULL,
    client_token TEXT NOT NULL,
    start_time   INTEGER NOT NULL,
    data         TEXT NOT NULL
) STRICT;
CREATE INDEX change_sets_seller ON change_sets (seller_id, start_time, id);
CREATE INDEX change_sets_open ON change_sets (status) WHERE status IN ('PREPARING', 'APPLYING');

-- resource_tags holds the tags of catalog resources, by ARN.
CREATE TABLE resource_tags (
    resource TEXT NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (resource, key)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE resource_tags;
DROP TABLE change_sets;
ALTER TABLE offers DROP COLUMN listing;
ALTER TABLE offers DROP COLUMN state;
