-- Seller statistics and duplicate photos (issue 16).

-- Views an ad got each day, for the seller's charts; the last 90 days are kept (a job prunes
-- older rows). Keyed (day, ad_id): a fold adds today's rows at the end of the b-tree, a few
-- hundred pages, where (ad_id, day) would rewrite a page for every ad folded, spread over the
-- whole table; the prune removes a range at the front. A seller's chart asks for each
-- (day, ad) pair: one seek each. A day is a calendar day at UTC+5 (`domain::stats::day_of`).
CREATE TABLE ad_views_daily (
    day   INTEGER NOT NULL,
    ad_id INTEGER NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (day, ad_id)
) WITHOUT ROWID;

-- The pending tally keeps the day each view happened (a batch across midnight writes two rows
-- for an ad), so the fold can put it in ad_views_daily in the same transaction. What waits in
-- the old tally counts for today.
CREATE TABLE ad_views_pending_by_day (
    ad_id INTEGER NOT NULL,
    day   INTEGER NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (ad_id, day)
) WITHOUT ROWID;
INSERT INTO ad_views_pending_by_day (ad_id, day, views)
    SELECT ad_id, (unixepoch() + 18000) / 86400, views FROM ad_views_pending;
DROP TABLE ad_views_pending;
ALTER TABLE ad_views_pending_by_day RENAME TO ad_views_pending;

-- A 64-bit difference hash of each ad photo (`domain::photos::dhash`), made by the photo job
-- with the sizes; NULL until then, and for demo art (shared by many seeded ads, never hashed).
-- Near copies are found through the hash's four 16-bit bands: two hashes at most 7 bits apart
-- have a band at most 1 bit apart (4 bands of 2 or more would be 8), so probing each band's
-- value and its 16 one-bit neighbours (68 index seeks) finds every photo within the threshold
-- of 6 without reading the table.
ALTER TABLE ad_photos ADD COLUMN phash INTEGER;
ALTER TABLE ad_photos ADD COLUMN phash_b0 INTEGER GENERATED ALWAYS AS (phash & 65535) VIRTUAL;
ALTER TABLE ad_photos ADD COLUMN phash_b1 INTEGER GENERATED ALWAYS AS ((phash >> 16) & 65535) VIRTUAL;
ALTER TABLE ad_photos ADD COLUMN phash_b2 INTEGER GENERATED ALWAYS AS ((phash >> 32) & 65535) VIRTUAL;
ALTER TABLE ad_photos ADD COLUMN phash_b3 INTEGER GENERATED ALWAYS AS ((phash >> 48) & 65535) VIRTUAL;
CREATE INDEX ad_photos_phash_b0 ON ad_photos (phash_b0) WHERE phash IS NOT NULL;
CREATE INDEX ad_photos_phash_b1 ON ad_photos (phash_b1) WHERE phash IS NOT NULL;
CREATE INDEX ad_photos_phash_b2 ON ad_photos (phash_b2) WHERE phash IS NOT NULL;
CREATE INDEX ad_photos_phash_b3 ON ad_photos (phash_b3) WHERE phash IS NOT NULL;

-- A photo of an ad that looks like a photo of another seller's ad: written by the photo job,
-- read by the ad page ("similar photos are in another ad") by ad; gone with either photo.
CREATE TABLE photo_matches (
    ad_id          INTEGER NOT NULL,
    photo_id       INTEGER NOT NULL REFERENCES ad_photos (id) ON DELETE CASCADE,
    other_ad_id    INTEGER NOT NULL,
    other_photo_id INTEGER NOT NULL REFERENCES ad_photos (id) ON DELETE CASCADE,
    distance       INTEGER NOT NULL,
    PRIMARY KEY (ad_id, photo_id, other_photo_id)
) WITHOUT ROWID;
CREATE INDEX photo_matches_photo ON photo_matches (photo_id);
CREATE INDEX photo_matches_other_photo ON photo_matches (other_photo_id);

-- Flags have a reason now: a stop word ('word') or photos like another seller's ('photos',
-- naming that ad). One open flag per target and reason, so neither hides the other.
ALTER TABLE flags ADD COLUMN reason TEXT NOT NULL DEFAULT 'word' CHECK (reason IN ('word', 'photos'));
ALTER TABLE flags ADD COLUMN similar_ad_id INTEGER;
DROP INDEX flags_open;
CREATE UNIQUE INDEX flags_open ON flags (target_kind, target_id, reason) WHERE resolved_at IS NULL;
