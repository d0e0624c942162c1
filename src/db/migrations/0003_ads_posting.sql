-- Posting and managing ads: photo sizes made by a job, uploads waiting for their form,
-- settings remembered between runs (currency rates), freight listings.

-- card and detail sizes, written by the photo job; pages show the original until they exist
ALTER TABLE ad_photos ADD COLUMN card_path TEXT;
ALTER TABLE ad_photos ADD COLUMN detail_path TEXT;

-- photos uploaded with a form that has not been saved yet (kept across a re-render with errors;
-- swept after a day)
CREATE TABLE photo_uploads (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX photo_uploads_owner ON photo_uploads (owner_id, created_at);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX favorites_user ON favorites (user_id, created_at);
-- the sitemap lists active ads by id
CREATE INDEX ads_active_id ON ads (is_active, id);
