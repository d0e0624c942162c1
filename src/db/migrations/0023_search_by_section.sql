-- Scale (issue 14): one search index per section. Every search is in a section (a listing's,
-- each tab's count, `/search` section by section), and through the one index a word common
-- in another section was intersected with the section's word: both lists walked, 3-6 ms to
-- find that "года" is in no repair ad, and a search page counts its other two sections for
-- its tabs (13 ms of a catalog search's). In its section's own index such a word has no rows.
-- The rows, tags and tokenizer are migration 21's; the section's word stays in the tags (it
-- says whether the ad is listed).
DROP TRIGGER ads_find_insert;
DROP TRIGGER ads_find_delete;
DROP TRIGGER ads_find_update;
DROP TABLE ads_find_vocab;
DROP TABLE ads_find;
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
           'y' || nullif(hex(city), '')
       ) AS tags
FROM ads;

CREATE VIRTUAL TABLE ads_find_catalog USING fts5 (
    title, body, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_catalog (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'catalog';
INSERT INTO ads_find_catalog (ads_find_catalog) VALUES ('optimize');
CREATE VIRTUAL TABLE ads_find_catalog_vocab USING fts5vocab (ads_find_catalog, col);

CREATE VIRTUAL TABLE ads_find_parts USING fts5 (
    title, body, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_parts (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'parts';
INSERT INTO ads_find_parts (ads_find_parts) VALUES ('optimize');
CREATE VIRTUAL TABLE ads_find_parts_vocab USING fts5vocab (ads_find_parts, col);

CREATE VIRTUAL TABLE ads_find_repair USING fts5 (
    title, body, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_repair (rowid, title, body, tags)
SELECT id, title, body, tags FROM ads_find_rows WHERE section = 'repair';
INSERT INTO ads_find_repair (ads_find_repair) VALUES ('optimize');
CREATE VIRTUAL TABLE ads_find_repair_vocab USING fts5vocab (ads_find_repair, col);

-- each statement writes the index of the ad's section only (the others' conditions are false)
CREATE TRIGGER ads_find_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ads_find_catalog (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'catalog';
    INSERT INTO ads_find_parts (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'parts';
    INSERT INTO ads_find_repair (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'repair';
END;
CREATE TRIGGER ads_find_delete AFTER DELETE ON ads BEGIN
    DELETE FROM ads_find_catalog WHERE rowid = old.id AND old.section = 'catalog';
    DELETE FROM ads_find_parts WHERE rowid = old.id AND old.section = 'parts';
    DELETE FROM ads_find_repair WHERE rowid = old.id AND old.section = 'repair';
END;
-- `section` follows `kind` (a generated column): a new kind may move the row to another index
CREATE TRIGGER ads_find_update AFTER UPDATE OF
    title, description, brand, model, equipment_type, part_name, service_name, kind, country,
    city, is_active
ON ads WHEN old.title IS NOT new.title OR old.description IS NOT new.description
    OR old.brand IS NOT new.brand OR old.model IS NOT new.model
    OR old.equipment_type IS NOT new.equipment_type OR old.part_name IS NOT new.part_name
    OR old.service_name IS NOT new.service_name OR old.kind IS NOT new.kind
    OR old.country IS NOT new.country OR old.city IS NOT new.city
    OR old.is_active IS NOT new.is_active
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
