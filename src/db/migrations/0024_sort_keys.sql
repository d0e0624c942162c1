-- Scale (issue 14): a listing of several filters is read from its section's word index, whose
-- tags intersect the filters (`list::ByTags`); each tagged ad's kind, listing, price and order
-- keys are then read from this narrow copy by id instead of from its row. The rows are wide (a
-- description each), so each read touched a page of its own; rows here sit a hundred to a
-- page in id order, the order the word index hands the ids out in: 92,000 tagged ads sorted
-- by price in about 40 ms instead of 115-125 at a million ads. A table, not an index led by
-- the id: with such an index every `ads.id = ?` statement depended on its sampled statistics
-- (STAT4) and was prepared again for each id (the ad page at a quarter of its speed).
CREATE TABLE ad_sort_keys (
    id INTEGER PRIMARY KEY,
    is_active INTEGER,
    kind TEXT,
    price_day_usd_cents INTEGER,
    price_day_asc INTEGER,
    bumped_at INTEGER,
    views_count INTEGER
);
INSERT INTO ad_sort_keys
SELECT id, is_active, kind, price_day_usd_cents, price_day_asc, bumped_at, views_count FROM ads;
CREATE TRIGGER ad_sort_keys_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ad_sort_keys VALUES (new.id, new.is_active, new.kind, new.price_day_usd_cents,
        new.price_day_asc, new.bumped_at, new.views_count);
END;
-- the two price keys are generated from the price and its unit
CREATE TRIGGER ad_sort_keys_update AFTER UPDATE OF
    is_active, kind, price_usd_cents, price_unit, bumped_at, views_count
ON ads BEGIN
    UPDATE ad_sort_keys SET is_active = new.is_active, kind = new.kind,
        price_day_usd_cents = new.price_day_usd_cents, price_day_asc = new.price_day_asc,
        bumped_at = new.bumped_at, views_count = new.views_count
    WHERE id = new.id;
END;
CREATE TRIGGER ad_sort_keys_delete AFTER DELETE ON ads BEGIN
    DELETE FROM ad_sort_keys WHERE id = old.id;
END;

-- A brand's listing in another order: through `ads_brand` (newest first) every ad of the brand
-- was read and sorted (SANY's, cheapest first: 40,000 ads, 42-60 ms at a million).
CREATE INDEX ads_brand_price_day_asc ON ads (section, is_active, brand COLLATE NOCASE, price_day_asc);
CREATE INDEX ads_brand_price_day ON ads (section, is_active, brand COLLATE NOCASE, price_day_usd_cents);
CREATE INDEX ads_brand_views ON ads (section, is_active, brand COLLATE NOCASE, views_count);

-- A city's listing by price: through its country's price index every other city's ads were
-- passed over (a city of one ad in ten, page 11: 27 ms at a million ads).
CREATE INDEX ads_place_price_day_asc ON ads (section, is_active, country, city, price_day_asc);
CREATE INDEX ads_place_price_day ON ads (section, is_active, country, city, price_day_usd_cents);
