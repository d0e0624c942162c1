-- Chats: sealed message text, edits and deletions, images, exact unread counters kept on
-- every write, blocks and reports.
--
-- A support thread is a user's own thread with staff: kind 'support', buyer_id = seller_id =
-- the user; staff as a group are the other side (staff_unread counts what they have not read).

ALTER TABLE chat_threads ADD COLUMN last_message_id INTEGER;
ALTER TABLE chat_threads ADD COLUMN staff_unread INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX chat_threads_support ON chat_threads (buyer_id) WHERE kind = 'support';
CREATE INDEX chat_threads_support_inbox ON chat_threads (last_message_id) WHERE kind = 'support';

-- body: '' once the text is sealed (sealed = nonce || ciphertext under key key_id)
ALTER TABLE chat_messages ADD COLUMN sealed BLOB;
ALTER TABLE chat_messages ADD COLUMN key_id INTEGER;
ALTER TABLE chat_messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'system'));
ALTER TABLE chat_messages ADD COLUMN edited_at INTEGER;
ALTER TABLE chat_messages ADD COLUMN deleted_at INTEGER;
CREATE INDEX chat_messages_legacy ON chat_messages (id) WHERE sealed IS NULL;

CREATE TABLE chat_images (
    name       TEXT    PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    thread_id  INTEGER NOT NULL REFERENCES chat_threads (id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL
);
CREATE INDEX chat_images_message ON chat_images (message_id);

-- One row per participant (the support thread's user included; staff are not rows): what they
-- have read, how many messages wait for them, since when, and when they were last mailed.
ALTER TABLE chat_reads ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_reads ADD COLUMN unread_since INTEGER;
ALTER TABLE chat_reads ADD COLUMN mailed_at INTEGER;
ALTER TABLE chat_reads ADD COLUMN last_message_id INTEGER;
CREATE INDEX chat_reads_inbox ON chat_reads (user_id, last_message_id) WHERE last_message_id IS NOT NULL;
CREATE INDEX chat_reads_waiting ON chat_reads (unread_since) WHERE unread_since IS NOT NULL;

-- the header's total, kept with the per-thread counts
ALTER TABLE users ADD COLUMN chat_unread INTEGER NOT NULL DEFAULT 0;
-- mail when a message waits unread (account settings)
ALTER TABLE users ADD COLUMN chat_mail INTEGER NOT NULL DEFAULT 1;

-- the counters of the threads that exist already
UPDATE chat_threads SET last_message_id = (SELECT max(id) FROM chat_messages m WHERE m.thread_id = chat_threads.id);
INSERT OR IGNORE INTO chat_reads (thread_id, user_id, last_read_id) SELECT id, buyer_id, 0 FROM chat_threads;
INSERT OR IGNORE INTO chat_reads (thread_id, user_id, last_read_id) SELECT id, seller_id, 0 FROM chat_threads;
UPDATE chat_reads SET
    last_message_id = (SELECT last_message_id FROM chat_threads t WHERE t.id = chat_reads.thread_id),
    unread = (SELECT count(*) FROM chat_messages m WHERE m.thread_id = chat_reads.thread_id
              AND m.sender_id <> chat_reads.user_id AND m.id > chat_reads.last_read_id),
    unread_since = (SELECT min(created_at) FROM chat_messages m WHERE m.thread_id = chat_reads.thread_id
              AND m.sender_id <> chat_reads.user_id AND m.id > chat_reads.last_read_id);
UPDATE users SET chat_unread = coalesce((SELECT sum(unread) FROM chat_reads r WHERE r.user_id = users.id), 0);

CREATE TABLE user_blocks (
    blocker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;

-- What users report; the moderation console reads it. One open report per reporter and target.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT    NOT NULL CHECK (target_kind IN ('ad', 'user', 'message')),
    target_id   INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    comment     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE UNIQUE INDEX reports_open ON reports (reporter_id, target_kind, target_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_queue ON reports (resolved_at, id);
