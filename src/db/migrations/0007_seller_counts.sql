-- The seller card on every ad page shows the seller's active ads. Counting them per page
-- walked the seller's whole range of ads_owner (1,600 entries for the biggest seeded company),
-- so the count is kept on the user row instead, by triggers that see every change to an ad's
-- owner or active flag: it is exact at every commit, whichever code path writes the ad.
ALTER TABLE users ADD COLUMN active_ads INTEGER NOT NULL DEFAULT 0;

UPDATE users SET active_ads = (SELECT count(*) FROM ads WHERE ads.owner_id = users.id AND ads.is_active = 1);

CREATE TRIGGER ads_active_count_insert AFTER INSERT ON ads WHEN new.is_active = 1 BEGIN
    UPDATE users SET active_ads = active_ads + 1 WHERE id = new.owner_id;
END;

CREATE TRIGGER ads_active_count_delete AFTER DELETE ON ads WHEN old.is_active = 1 BEGIN
    UPDATE users SET active_ads = active_ads - 1 WHERE id = old.owner_id;
END;

CREATE TRIGGER ads_active_count_update AFTER UPDATE OF is_active, owner_id ON ads
WHEN old.is_active IS NOT new.is_active OR old.owner_id IS NOT new.owner_id BEGIN
    UPDATE users SET active_ads = active_ads - 1 WHERE id = old.owner_id AND old.is_active = 1;
    UPDATE users SET active_ads = active_ads + 1 WHERE id = new.owner_id AND new.is_active = 1;
END;

-- The ad page and every card read an ad's photos by ad; with the paths and sizes in the index
-- too, those reads never visit the table (one b-tree descent instead of two).
CREATE INDEX ad_photos_by_ad ON ad_photos (ad_id, position, id, path, card_path, detail_path, width, height);
DROP INDEX ad_photos_ad;
