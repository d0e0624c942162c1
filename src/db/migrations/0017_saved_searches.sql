-- Saved searches with alerts, and rental requests with quotes (issue 16).

-- A listing's filter kept by a user: its section and its normalized query (`Filter::to_query`
-- of the parsed filter, without sort or page), so equal searches are one row. Alerts mail the
-- ads after `last_seen_ad_id`: instantly (at most every 15 minutes) or as a daily digest.
CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section         TEXT    NOT NULL CHECK (section IN ('catalog', 'parts', 'repair')),
    query           TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    frequency       TEXT    NOT NULL CHECK (frequency IN ('instant', 'daily')),
    paused          INTEGER NOT NULL DEFAULT 0,
    last_seen_ad_id INTEGER NOT NULL DEFAULT 0,
    last_sent_at    INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (user_id, section, query)
);
-- the alert sweep: running searches by when they last mailed
CREATE INDEX saved_searches_due ON saved_searches (paused, frequency, last_sent_at);

-- "Need an excavator in Tashkent, 3 days from 5 May": open until accepted, closed by its
-- author, or past its start date. `notified_at`: owners of matching rent ads were mailed.
CREATE TABLE rental_requests (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    equipment_type TEXT    NOT NULL,
    country        TEXT    NOT NULL CHECK (country IN ('kz', 'uz', 'ru', 'by')),
    city           TEXT    NOT NULL,
    start_date     TEXT    NOT NULL,
    days           INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
    budget_minor   INTEGER CHECK (budget_minor IS NULL OR budget_minor >= 0),
    currency       TEXT    CHECK (currency IN ('KZT', 'UZS', 'RUB', 'BYN', 'USD')),
    body           TEXT    NOT NULL,
    phone          TEXT,
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'closed')),
    notified_at    INTEGER,
    created_at     INTEGER NOT NULL,
    closed_at      INTEGER
);
CREATE INDEX rental_requests_open ON rental_requests (status, start_date, id);
CREATE INDEX rental_requests_place ON rental_requests (status, country, equipment_type, id);
CREATE INDEX rental_requests_user ON rental_requests (user_id, status);
CREATE INDEX rental_requests_unnotified ON rental_requests (id) WHERE notified_at IS NULL;

-- An owner's answer to a request, one per owner, posted as the first message of the chat
-- thread about the owner's matching ad.
CREATE TABLE rental_quotes (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES rental_requests (id) ON DELETE CASCADE,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ad_id       INTEGER NOT NULL REFERENCES ads (id),
    thread_id   INTEGER NOT NULL REFERENCES chat_threads (id),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    currency    TEXT    NOT NULL CHECK (currency IN ('KZT', 'UZS', 'RUB', 'BYN', 'USD')),
    unit        TEXT    NOT NULL CHECK (unit IN ('hour', 'day', 'month', 'total')),
    available   TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined')),
    created_at  INTEGER NOT NULL,
    UNIQUE (request_id, owner_id)
);
CREATE INDEX rental_quotes_owner ON rental_quotes (owner_id, request_id);
