-- Freight ("Logistics"): cargo looking for a truck, trucks looking for cargo.
CREATE TABLE freight_ads (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('cargo', 'truck')),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    from_country    TEXT    NOT NULL CHECK (from_country IN ('kz', 'uz', 'ru', 'by')),
    from_city       TEXT    NOT NULL,
    to_country      TEXT    NOT NULL CHECK (to_country IN ('kz', 'uz', 'ru', 'by')),
    to_city         TEXT    NOT NULL,
    -- lower-cased city names: SQLite folds only ASCII, and these are mostly Cyrillic
    from_city_key   TEXT    NOT NULL,
    to_city_key     TEXT    NOT NULL,
    -- the loading (or availability) date, YYYY-MM-DD
    ship_date       TEXT    NOT NULL,
    weight_t        REAL,
    volume_m3       REAL,
    body_type       TEXT    NOT NULL,
    price_minor     INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),
    currency        TEXT    NOT NULL CHECK (currency IN ('KZT', 'UZS', 'RUB', 'BYN', 'USD')),
    price_usd_cents INTEGER,
    phone           TEXT    NOT NULL,
    is_active       INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    deleted_at      INTEGER
);
CREATE INDEX freight_date ON freight_ads (is_active, ship_date, id);
CREATE INDEX freight_route ON freight_ads (is_active, from_country, to_country, ship_date);
CREATE INDEX freight_owner ON freight_ads (owner_id, created_at);
