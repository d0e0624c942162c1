-- /media answers by who may see a file: the photos of a hidden ad go to its owner and staff
-- only, an upload not yet saved with an ad to its uploader only. Both are looked up by path.
CREATE INDEX ad_photos_path ON ad_photos (path);
CREATE INDEX photo_uploads_path ON photo_uploads (path);

-- Photos still waiting for their card and detail sizes (a crash can lose the queued job): a
-- sweep at start and every hour re-queues them without reading the whole table. Demo art is
-- shown as drawn and never gets sizes.
CREATE INDEX ad_photos_without_variants ON ad_photos (ad_id)
    WHERE card_path IS NULL AND path NOT LIKE 'demo/%';
