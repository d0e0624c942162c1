-- Views counted since the last fold. The view job adds to this narrow table instead of
-- rewriting the wide ads rows and their views index on every batch; a periodic job
-- (`jobs.view_fold_seconds`) folds it into ads.views_count, a chunk of ads per transaction.
-- Pages show views_count plus what is pending here, so counts are always exact.
CREATE TABLE ad_views_pending (
    ad_id INTEGER PRIMARY KEY,
    views INTEGER NOT NULL
);
