-- Scale (issue 14): a city's word in the search indexes names its country (`ykz` and the
-- city's bytes in hex). A city is free text, so its word alone could stand for a city of the
-- same name in another country, and a listing of two filters with a city intersected the
-- country's listed ads too: a list of 200,000 ids at a million ads, sought once for each ad of
-- the others. Graders in Turkestan were counted in 1.6 ms; with the city's word naming its
-- country and the section's hidden ads left out instead (a twelfth as long), in 0.8 ms.
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
           'y' || country || nullif(hex(city), ''),
           'pd' || length(CAST(price_day_usd_cents AS INTEGER)),
           'pd' || length(CAST(price_day_usd_cents AS INTEGER)) || 'f'
               || substr(CAST(price_day_usd_cents AS INTEGER), 1, 1)
       ) AS tags
FROM ads;

-- every ad's tags anew (at a million ads about half a minute)
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
INSERT INTO ads_find_title_catalog (ads_find_title_catalog) VALUES ('delete-all');
INSERT INTO ads_find_title_catalog (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'catalog';
INSERT INTO ads_find_title_catalog (ads_find_title_catalog) VALUES ('optimize');
INSERT INTO ads_find_title_parts (ads_find_title_parts) VALUES ('delete-all');
INSERT INTO ads_find_title_parts (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'parts';
INSERT INTO ads_find_title_parts (ads_find_title_parts) VALUES ('optimize');
INSERT INTO ads_find_title_repair (ads_find_title_repair) VALUES ('delete-all');
INSERT INTO ads_find_title_repair (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'repair';
INSERT INTO ads_find_title_repair (ads_find_title_repair) VALUES ('optimize');
