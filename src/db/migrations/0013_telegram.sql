-- The Telegram channel: what is to be posted, edited or deleted there waits in an outbox written
-- in the transaction of its cause (DESIGN §5a); what was posted is remembered per ad.

CREATE TABLE telegram_outbox (
    id              INTEGER PRIMARY KEY,
    ad_id           INTEGER NOT NULL REFERENCES ads (id) ON DELETE CASCADE,
    op              TEXT    NOT NULL CHECK (op IN ('post', 'edit', 'delete')),
    created_at      INTEGER NOT NULL,
    -- failed tries so far; at 10 the row is given up (kept, with its last error)
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- due time: now when written, later after a failure (backoff) or while a worker holds it
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
-- the job's due rows
CREATE INDEX telegram_outbox_due ON telegram_outbox (next_attempt_at, id) WHERE sent_at IS NULL;
-- one ad's waiting rows in order: they go out one at a time, oldest first
CREATE INDEX telegram_outbox_ad ON telegram_outbox (ad_id, id) WHERE sent_at IS NULL;

-- The channel message of each posted ad (gone once deleted there).
CREATE TABLE telegram_posts (
    ad_id      INTEGER PRIMARY KEY REFERENCES ads (id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    -- sent with a photo: edited with editMessageCaption, else editMessageText
    with_photo INTEGER NOT NULL,
    posted_at  INTEGER NOT NULL
);
