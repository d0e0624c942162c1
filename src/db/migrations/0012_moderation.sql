-- Moderation and the admin console: bans, hidden ads and their review, stop-word flags, the
-- staff audit log, the dashboard's minute samples and broadcasts.

-- A banned user cannot sign in and is told why; their ads leave the site while the ban lasts.
ALTER TABLE users ADD COLUMN banned_at INTEGER;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';

-- Why staff hid an ad (its owner reads it), and its review: 'pending' waits for staff (a new
-- seller's first ads with pre-moderation on, or a hidden ad its owner edited).
ALTER TABLE ads ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ads ADD COLUMN hidden_by_ban INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ads ADD COLUMN review_state TEXT NOT NULL DEFAULT 'none'
    CHECK (review_state IN ('none', 'pending'));
CREATE INDEX ads_review ON ads (review_state, id) WHERE review_state = 'pending';
CREATE INDEX ads_owner_banned ON ads (owner_id) WHERE hidden_by_ban = 1;

-- What the stop-word list caught, for staff to look at (never refused outright).
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT    NOT NULL CHECK (target_kind IN ('ad', 'message')),
    target_id   INTEGER NOT NULL,
    word        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE UNIQUE INDEX flags_open ON flags (target_kind, target_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_queue ON flags (resolved_at, id);

-- Every staff action, appended; nothing may change or remove a row.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL,
    target_kind TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    comment     TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_staff ON audit_log (staff_id, id);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- One row per minute of the last day (slot = minute of the day), overwritten in turn.
CREATE TABLE metric_samples (
    slot           INTEGER PRIMARY KEY CHECK (slot BETWEEN 0 AND 1439),
    at             INTEGER NOT NULL,
    requests       INTEGER NOT NULL,
    request_p99_ms REAL    NOT NULL,
    jobs_completed INTEGER NOT NULL,
    jobs_failed    INTEGER NOT NULL,
    queue          INTEGER NOT NULL,
    job_p99_ms     REAL    NOT NULL
);

-- A message to many users, delivered in batches by a job that resumes after a restart.
CREATE TABLE broadcasts (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES users (id),
    text         TEXT    NOT NULL,
    audience     TEXT    NOT NULL,
    by_mail      INTEGER NOT NULL DEFAULT 1,
    total        INTEGER NOT NULL,
    sent         INTEGER NOT NULL DEFAULT 0,
    last_user_id INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX broadcasts_open ON broadcasts (id) WHERE finished_at IS NULL;
