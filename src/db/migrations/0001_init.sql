-- Uzmat schema, version 1. Times are unix seconds (UTC). Money is integer minor units.

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    password_hash    TEXT,
    name             TEXT    NOT NULL,
    account_type     TEXT    NOT NULL DEFAULT 'individual' CHECK (account_type IN ('individual', 'company')),
    phone            TEXT,
    country          TEXT    CHECK (country IN ('kz', 'uz', 'ru', 'by')),
    city             TEXT,
    avatar_path      TEXT,
    -- company fields (account_type = 'company')
    company_name     TEXT,
    tax_id           TEXT,
    director         TEXT,
    company_phone    TEXT,
    company_email    TEXT,
    address          TEXT,
    legal_address    TEXT,
    website          TEXT,
    is_staff         INTEGER NOT NULL DEFAULT 0,
    -- verified badge: granted by a moderator, valid until badge_until
    badge_granted_at INTEGER,
    badge_until      INTEGER,
    email_verified_at INTEGER,
    deleted_at       INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX users_badge ON users (badge_until) WHERE badge_until IS NOT NULL;

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE categories (
    id      INTEGER PRIMARY KEY,
    section TEXT    NOT NULL CHECK (section IN ('catalog', 'parts', 'repair')),
    slug    TEXT    NOT NULL UNIQUE,
    name    TEXT    NOT NULL
);

CREATE TABLE ads (
    id               INTEGER PRIMARY KEY,
    owner_id         INTEGER NOT NULL REFERENCES users (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('rent', 'sale', 'service', 'parts')),
    -- which listing shows the ad: derived from kind, stored so one index serves each listing
    section          TEXT    NOT NULL GENERATED ALWAYS AS (
                         CASE kind WHEN 'parts' THEN 'parts' WHEN 'service' THEN 'repair' ELSE 'catalog' END
                     ) VIRTUAL,
    category_id      INTEGER REFERENCES categories (id),
    title            TEXT    NOT NULL,
    slug             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    country          TEXT    NOT NULL CHECK (country IN ('kz', 'uz', 'ru', 'by')),
    city             TEXT    NOT NULL,
    phone            TEXT,
    -- price in minor units of `currency`; NULL means "negotiable"
    price_minor      INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),
    price_unit       TEXT    CHECK (price_unit IN ('hour', 'day', 'month')),
    currency         TEXT    NOT NULL CHECK (currency IN ('KZT', 'UZS', 'RUB', 'BYN', 'USD')),
    -- approximate price in US cents, for cross-currency filters and sorting
    price_usd_cents  INTEGER,
    equipment_type   TEXT,
    brand            TEXT,
    model            TEXT,
    year             INTEGER,
    with_operator    INTEGER,
    min_order        TEXT,
    power_hp         INTEGER,
    weight_t         REAL,
    condition        TEXT    CHECK (condition IN ('new', 'used', 'refurbished')),
    engine_hours     INTEGER,
    service_name     TEXT,
    part_name        TEXT,
    is_active        INTEGER NOT NULL DEFAULT 1,
    views_count      INTEGER NOT NULL DEFAULT 0,
    -- paid promotion: plan_rank 3 = VIP, 2 = PREMIUM, 1 = GOLD
    plan             TEXT    CHECK (plan IN ('gold', 'premium', 'vip')),
    plan_rank        INTEGER NOT NULL DEFAULT 0,
    plan_started_at  INTEGER,
    plan_until       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    bumped_at        INTEGER NOT NULL,
    deleted_at       INTEGER
);
CREATE UNIQUE INDEX ads_slug ON ads (slug);
CREATE INDEX ads_owner ON ads (owner_id, is_active, bumped_at);
-- listing orders, one index per sort
CREATE INDEX ads_fresh ON ads (section, is_active, bumped_at, id);
CREATE INDEX ads_country_fresh ON ads (section, is_active, country, bumped_at);
CREATE INDEX ads_place_fresh ON ads (section, is_active, country, city, bumped_at);
CREATE INDEX ads_price ON ads (section, is_active, price_usd_cents);
CREATE INDEX ads_views ON ads (section, is_active, views_count);
CREATE INDEX ads_type ON ads (section, is_active, equipment_type, bumped_at);
CREATE INDEX ads_brand ON ads (section, is_active, brand COLLATE NOCASE, bumped_at);
-- the bump sweep: active ads, longest-waiting first
CREATE INDEX ads_bump_due ON ads (is_active, bumped_at);
-- promoted ads are few: a partial index keeps the home page's blocks cheap
CREATE INDEX ads_promoted ON ads (plan_until, plan_rank) WHERE plan IS NOT NULL;

CREATE TABLE ad_photos (
    id       INTEGER PRIMARY KEY,
    ad_id    INTEGER NOT NULL REFERENCES ads (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path     TEXT    NOT NULL,
    width    INTEGER NOT NULL,
    height   INTEGER NOT NULL
);
CREATE INDEX ad_photos_ad ON ad_photos (ad_id, position);

CREATE TABLE favorites (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ad_id      INTEGER NOT NULL REFERENCES ads (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, ad_id)
) WITHOUT ROWID;
CREATE INDEX favorites_ad ON favorites (ad_id);

CREATE TABLE chat_threads (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL DEFAULT 'ad' CHECK (kind IN ('ad', 'support')),
    -- kept when the ad is deleted: the buyer still reads the thread ("ad removed")
    ad_id           INTEGER REFERENCES ads (id) ON DELETE SET NULL,
    buyer_id        INTEGER NOT NULL REFERENCES users (id),
    seller_id       INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX chat_threads_pair ON chat_threads (ad_id, buyer_id) WHERE kind = 'ad';
CREATE INDEX chat_threads_buyer ON chat_threads (buyer_id, last_message_at);
CREATE INDEX chat_threads_seller ON chat_threads (seller_id, last_message_at);

CREATE TABLE chat_messages (
    id         INTEGER PRIMARY KEY,
    thread_id  INTEGER NOT NULL REFERENCES chat_threads (id) ON DELETE CASCADE,
    sender_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX chat_messages_thread ON chat_messages (thread_id, id);

-- per-participant read state: everything up to last_read_id has been read
CREATE TABLE chat_reads (
    thread_id    INTEGER NOT NULL REFERENCES chat_threads (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_id INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (thread_id, user_id)
) WITHOUT ROWID;

-- full-text search: trigram tokens match substrings of Cyrillic and Latin text, case-insensitively
CREATE VIRTUAL TABLE ads_fts USING fts5 (
    title, description, brand, model, equipment_type, part_name, service_name,
    content = 'ads', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER ads_fts_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ads_fts (rowid, title, description, brand, model, equipment_type, part_name, service_name)
    VALUES (new.id, new.title, new.description, new.brand, new.model, new.equipment_type, new.part_name, new.service_name);
END;
CREATE TRIGGER ads_fts_delete AFTER DELETE ON ads BEGIN
    INSERT INTO ads_fts (ads_fts, rowid, title, description, brand, model, equipment_type, part_name, service_name)
    VALUES ('delete', old.id, old.title, old.description, old.brand, old.model, old.equipment_type, old.part_name, old.service_name);
END;
CREATE TRIGGER ads_fts_update AFTER UPDATE OF title, description, brand, model, equipment_type, part_name, service_name ON ads BEGIN
    INSERT INTO ads_fts (ads_fts, rowid, title, description, brand, model, equipment_type, part_name, service_name)
    VALUES ('delete', old.id, old.title, old.description, old.brand, old.model, old.equipment_type, old.part_name, old.service_name);
    INSERT INTO ads_fts (rowid, title, description, brand, model, equipment_type, part_name, service_name)
    VALUES (new.id, new.title, new.description, new.brand, new.model, new.equipment_type, new.part_name, new.service_name);
END;
