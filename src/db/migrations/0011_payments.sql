-- Trust and money: the payments ledger, the promotion timeline of each ad, badge requests.

-- What a badge costs is paid before staff look at the request.
CREATE TABLE badge_requests (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('individual', 'company')),
    full_name     TEXT    NOT NULL,
    company_name  TEXT    NOT NULL DEFAULT '',
    tax_id        TEXT    NOT NULL DEFAULT '',
    -- a document photo, re-encoded, under uploads/; shown to staff only
    document_path TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'unpaid'
                  CHECK (state IN ('unpaid', 'waiting', 'approved', 'rejected', 'cancelled')),
    comment       TEXT    NOT NULL DEFAULT '',
    decided_by    INTEGER REFERENCES users (id),
    decided_at    INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX badge_requests_user ON badge_requests (user_id, id);
CREATE INDEX badge_requests_queue ON badge_requests (state, id);

-- Every payment, whatever it buys and whoever takes it; its state changes in the same
-- transaction as its effect (a paid plan is granted in the commit that marks it paid).
CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    public_id         TEXT    NOT NULL UNIQUE,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    item              TEXT    NOT NULL CHECK (item IN ('plan', 'badge')),
    ad_id             INTEGER REFERENCES ads (id),
    plan              TEXT    CHECK (plan IN ('gold', 'premium', 'vip')),
    badge_request_id  INTEGER REFERENCES badge_requests (id),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
    currency          TEXT    NOT NULL,
    provider          TEXT    NOT NULL CHECK (provider IN ('manual', 'click')),
    state             TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'prepared', 'paid', 'cancelled', 'failed')),
    provider_trans_id TEXT,
    -- the provider's own note of the last change (Click's error_note), or staff's
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    paid_at           INTEGER,
    CHECK ((item = 'plan') = (ad_id IS NOT NULL AND plan IS NOT NULL)),
    CHECK ((item = 'badge') = (badge_request_id IS NOT NULL))
);
CREATE UNIQUE INDEX payments_provider_trans ON payments (provider, provider_trans_id)
    WHERE provider_trans_id IS NOT NULL;
CREATE INDEX payments_user ON payments (user_id, id);
CREATE INDEX payments_state ON payments (state, id);
CREATE INDEX payments_created ON payments (created_at);

-- Each state change of a payment, appended: who or what changed it and why.
CREATE TABLE payment_events (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    from_state TEXT    NOT NULL,
    to_state   TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- An ad's promotion timeline: the running segment and those queued after it (a lower plan
-- bought during a higher one starts when it ends). `ads.plan*` mirror the running segment.
CREATE TABLE ad_promotions (
    id          INTEGER PRIMARY KEY,
    ad_id       INTEGER NOT NULL REFERENCES ads (id),
    plan        TEXT    NOT NULL CHECK (plan IN ('gold', 'premium', 'vip')),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
    reminded_at INTEGER
);
CREATE INDEX ad_promotions_ad ON ad_promotions (ad_id, starts_at);
CREATE INDEX ad_promotions_ends ON ad_promotions (ends_at);
CREATE INDEX ad_promotions_starts ON ad_promotions (starts_at);

-- the timelines of the promotions there are already (demo data)
INSERT INTO ad_promotions (ad_id, plan, starts_at, ends_at)
    SELECT id, plan, coalesce(plan_started_at, created_at), plan_until FROM ads
    WHERE plan IS NOT NULL AND plan_until > coalesce(plan_started_at, created_at);

-- the 7-day badge reminder, once per badge period
ALTER TABLE users ADD COLUMN badge_reminded_at INTEGER;
