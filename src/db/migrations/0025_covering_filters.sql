-- Scale (issue 14): the listing's indexes carry the filters they do not sort by, so a filter
-- the index does not lead with is checked in the index entry instead of the ad's row. Each
-- row sits on a page of its own (a description each), read at random in the index's order:
-- about 6 µs an ad at a million ads, where an entry's column costs a fraction of one. A
-- section's price range in the newest-first order, page 23, went from 33 ms to 0.8 ms. The
-- kind and the day's price are in each; the country too where the index is a type's or a
-- brand's (a country's and a city's lead with it). The id follows each order's key as the
-- listing's tie-break, so the entries stay in the listing's order (descending after the
-- ascending price: cheapest first, then newest; the ads without a price, all tied last, are
-- then read in order, not sorted).
DROP INDEX ads_fresh;
CREATE INDEX ads_fresh ON ads (section, is_active, bumped_at, id, kind, price_day_usd_cents);
DROP INDEX ads_views;
CREATE INDEX ads_views ON ads (section, is_active, views_count, id, kind, price_day_usd_cents);
DROP INDEX ads_country_fresh;
CREATE INDEX ads_country_fresh ON ads (
    section, is_active, country, bumped_at, id, kind, price_day_usd_cents
);
DROP INDEX ads_country_views;
CREATE INDEX ads_country_views ON ads (
    section, is_active, country, views_count, id, kind, price_day_usd_cents
);
DROP INDEX ads_place_fresh;
CREATE INDEX ads_place_fresh ON ads (
    section, is_active, country, city, bumped_at, id, kind, price_day_usd_cents
);
DROP INDEX ads_place_views;
CREATE INDEX ads_place_views ON ads (
    section, is_active, country, city, views_count, id, kind, price_day_usd_cents
);
DROP INDEX ads_type;
CREATE INDEX ads_type ON ads (
    section, is_active, equipment_type, bumped_at, id, kind, country, price_day_usd_cents
);
DROP INDEX ads_type_views;
CREATE INDEX ads_type_views ON ads (
    section, is_active, equipment_type, views_count, id, kind, country, price_day_usd_cents
);
DROP INDEX ads_brand;
CREATE INDEX ads_brand ON ads (
    section, is_active, brand COLLATE NOCASE, bumped_at, id, kind, country, price_day_usd_cents
);
DROP INDEX ads_brand_views;
CREATE INDEX ads_brand_views ON ads (
    section, is_active, brand COLLATE NOCASE, views_count, id, kind, country, price_day_usd_cents
);
-- the price orders: the kind, and the country of a type's or a brand's
DROP INDEX ads_type_price_day;
CREATE INDEX ads_type_price_day ON ads (
    section, is_active, equipment_type, price_day_usd_cents, id, kind, country
);
DROP INDEX ads_type_price_day_asc;
CREATE INDEX ads_type_price_day_asc ON ads (
    section, is_active, equipment_type, price_day_asc, id DESC, kind, country
);
DROP INDEX ads_brand_price_day;
CREATE INDEX ads_brand_price_day ON ads (
    section, is_active, brand COLLATE NOCASE, price_day_usd_cents, id, kind, country
);
DROP INDEX ads_brand_price_day_asc;
CREATE INDEX ads_brand_price_day_asc ON ads (
    section, is_active, brand COLLATE NOCASE, price_day_asc, id DESC, kind, country
);
DROP INDEX ads_place_price_day;
CREATE INDEX ads_place_price_day ON ads (
    section, is_active, country, city, price_day_usd_cents, id, kind
);
DROP INDEX ads_place_price_day_asc;
CREATE INDEX ads_place_price_day_asc ON ads (
    section, is_active, country, city, price_day_asc, id DESC, kind
);
DROP INDEX ads_country_price_day;
CREATE INDEX ads_country_price_day ON ads (
    section, is_active, country, price_day_usd_cents, id, kind
);
DROP INDEX ads_country_price_day_asc;
CREATE INDEX ads_country_price_day_asc ON ads (
    section, is_active, country, price_day_asc, id DESC, kind
);
