-- Accounts: password changes end other sessions, single-use tokens, and the mail outbox.

ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

-- sessions.id holds the SHA-256 of the cookie's token (hex): a stolen database file opens no session.
-- Sessions from before this migration were test-only; drop them.
DELETE FROM sessions;

-- single-use, expiring tokens for e-mail verification and password (re)set; only hashes stored
CREATE TABLE auth_tokens (
    hash       TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, purpose);

-- mail is written here in the same transaction as its cause, and delivered by a job
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);
