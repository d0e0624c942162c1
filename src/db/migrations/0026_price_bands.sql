-- Scale (issue 14): a price range as words of the search index. A common word with a narrow
-- range ("года", $5,000-6,000: 362,806 matches, 1,838 in the range) checked every match's
-- price in `ad_sort_keys`, 76 ms for the count alone at a million ads. Each priced ad's tags
-- now say where its day's price lies: `pd<n>`, its number of digits in US cents, and
-- `pd<n>f<d>`, those and its first digit (nine bands a decade, a few thousand ads each). A
-- range asks for the few bands that cover it (`domain::ads::price_bands`), FTS5 intersects
-- them with the words, and only those ads' prices are checked (7.7 ms). Decimal digits, not
-- a logarithm: the bands are exact integers alike in SQL and in Rust.
DROP VIEW ads_find_rows;
CREATE VIEW ads_find_rows AS
SELECT id,
       section,
       title,
       concat_ws(' ', description, brand, model, equipment_type, part_name, service_name) AS body,
       concat_ws(' ',
           iif(is_active = 1, 's', 'h') || section, 'k' || kind, 'c' || country,
           iif(is_active = 1, 's' || section || 'c' || country, NULL),
           't' || nullif(hex(equipment_type), ''), 'b' || nullif(hex(lower(brand)), ''),
           'y' || nullif(hex(city), ''),
           'pd' || length(CAST(price_day_usd_cents AS INTEGER)),
           'pd' || length(CAST(price_day_usd_cents AS INTEGER)) || 'f'
               || substr(CAST(price_day_usd_cents AS INTEGER), 1, 1)
       ) AS tags
FROM ads;

-- every ad's tags anew (at a million ads about 15 s)
INSERT INTO ads_find_catalog (ads_find_catalog) VALUES ('delete-all');
INSERT INTO ads_find_catalog (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'catalog';
INSERT INTO ads_find_catalog (ads_find_catalog) VALUES ('optimize');
INSERT INTO ads_find_parts (ads_find_parts) VALUES ('delete-all');
INSERT INTO ads_find_parts (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'parts';
INSERT INTO ads_find_parts (ads_find_parts) VALUES ('optimize');
INSERT INTO ads_find_repair (ads_find_repair) VALUES ('delete-all');
INSERT INTO ads_find_repair (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'repair';
INSERT INTO ads_find_repair (ads_find_repair) VALUES ('optimize');

-- an ad is indexed again when its price moves to another band too; a new exchange rate
-- (`write::recompute_usd`) rewrites every price, and moves only the ads near a band's edge
DROP TRIGGER ads_find_update;
CREATE TRIGGER ads_find_update AFTER UPDATE OF
    title, description, brand, model, equipment_type, part_name, service_name, kind, country,
    city, is_active, price_usd_cents, price_unit
ON ads WHEN old.title IS NOT new.title OR old.description IS NOT new.description
    OR old.brand IS NOT new.brand OR old.model IS NOT new.model
    OR old.equipment_type IS NOT new.equipment_type OR old.part_name IS NOT new.part_name
    OR old.service_name IS NOT new.service_name OR old.kind IS NOT new.kind
    OR old.country IS NOT new.country OR old.city IS NOT new.city
    OR old.is_active IS NOT new.is_active
    OR length(CAST(old.price_day_usd_cents AS INTEGER))
        IS NOT length(CAST(new.price_day_usd_cents AS INTEGER))
    OR substr(CAST(old.price_day_usd_cents AS INTEGER), 1, 1)
        IS NOT substr(CAST(new.price_day_usd_cents AS INTEGER), 1, 1)
BEGIN
    DELETE FROM ads_find_catalog WHERE rowid = old.id AND old.section = 'catalog';
    DELETE FROM ads_find_parts WHERE rowid = old.id AND old.section = 'parts';
    DELETE FROM ads_find_repair WHERE rowid = old.id AND old.section = 'repair';
    INSERT INTO ads_find_catalog (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'catalog';
    INSERT INTO ads_find_parts (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'parts';
    INSERT INTO ads_find_repair (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'repair';
END;
