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
