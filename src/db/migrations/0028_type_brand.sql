-- Scale (issue 14): a type's indexes carry the brand, so a type and a brand together are
-- read from the type's index in the listing's order, the brand checked in each entry
-- (`domain/ads/type_brand.rs`). Through their tags, every ad of the two was read and sorted
-- for a page: bulldozers by XCMG (5,134 of 40,738 bulldozers at a million ads), page 15,
-- took 7 ms; walking the bulldozers' entries newest first to the page's twelfth XCMG, 1,430
-- entries, took 0.14 ms. Each index grows by its brand (about 8 bytes an ad).
DROP INDEX ads_type;
CREATE INDEX ads_type ON ads (
    section, is_active, equipment_type, bumped_at, id, kind, country, price_day_usd_cents, brand
);
DROP INDEX ads_type_views;
CREATE INDEX ads_type_views ON ads (
    section, is_active, equipment_type, views_count, id, kind, country, price_day_usd_cents, brand
);
DROP INDEX ads_type_price_day;
CREATE INDEX ads_type_price_day ON ads (
    section, is_active, equipment_type, price_day_usd_cents, id, kind, country, brand
);
DROP INDEX ads_type_price_day_asc;
CREATE INDEX ads_type_price_day_asc ON ads (
    section, is_active, equipment_type, price_day_asc, id DESC, kind, country, brand
);
