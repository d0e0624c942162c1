-- Scale (issue 14): the titles of each section with the tags, an index of their own. A search
-- is ranked with its words in the title first (`list::TextSearch::in_title`), and FTS5 keeps
-- one list per word for all its columns: `title : ("двигатель")` read every ad with the word
-- anywhere to find the few with it in the title, 13 ms at a million ads for each first page of
-- a word common in descriptions (and again for the second page's count). In a titles' index
-- the list holds only the titles: 0.02 ms. About 70 bytes an ad. The tags are migration 26's,
-- from the same view.
CREATE VIRTUAL TABLE ads_find_title_catalog USING fts5 (
    title, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_title_catalog (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'catalog';
INSERT INTO ads_find_title_catalog (ads_find_title_catalog) VALUES ('optimize');

CREATE VIRTUAL TABLE ads_find_title_parts USING fts5 (
    title, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_title_parts (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'parts';
INSERT INTO ads_find_title_parts (ads_find_title_parts) VALUES ('optimize');

CREATE VIRTUAL TABLE ads_find_title_repair USING fts5 (
    title, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find_title_repair (rowid, title, tags)
SELECT id, title, tags FROM ads_find_rows WHERE section = 'repair';
INSERT INTO ads_find_title_repair (ads_find_title_repair) VALUES ('optimize');

-- as the section's index (migration 26), each statement writes the ad's section's only
CREATE TRIGGER ads_find_title_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ads_find_title_catalog (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'catalog';
    INSERT INTO ads_find_title_parts (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'parts';
    INSERT INTO ads_find_title_repair (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'repair';
END;
CREATE TRIGGER ads_find_title_delete AFTER DELETE ON ads BEGIN
    DELETE FROM ads_find_title_catalog WHERE rowid = old.id AND old.section = 'catalog';
    DELETE FROM ads_find_title_parts WHERE rowid = old.id AND old.section = 'parts';
    DELETE FROM ads_find_title_repair WHERE rowid = old.id AND old.section = 'repair';
END;
-- the title and every column of the tags; not the body's
CREATE TRIGGER ads_find_title_update AFTER UPDATE OF
    title, brand, equipment_type, kind, country, city, is_active, price_usd_cents, price_unit
ON ads WHEN old.title IS NOT new.title OR old.brand IS NOT new.brand
    OR old.equipment_type IS NOT new.equipment_type OR old.kind IS NOT new.kind
    OR old.country IS NOT new.country OR old.city IS NOT new.city
    OR old.is_active IS NOT new.is_active
    OR length(CAST(old.price_day_usd_cents AS INTEGER))
        IS NOT length(CAST(new.price_day_usd_cents AS INTEGER))
    OR substr(CAST(old.price_day_usd_cents AS INTEGER), 1, 1)
        IS NOT substr(CAST(new.price_day_usd_cents AS INTEGER), 1, 1)
BEGIN
    DELETE FROM ads_find_title_catalog WHERE rowid = old.id AND old.section = 'catalog';
    DELETE FROM ads_find_title_parts WHERE rowid = old.id AND old.section = 'parts';
    DELETE FROM ads_find_title_repair WHERE rowid = old.id AND old.section = 'repair';
    INSERT INTO ads_find_title_catalog (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'catalog';
    INSERT INTO ads_find_title_parts (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'parts';
    INSERT INTO ads_find_title_repair (rowid, title, tags)
    SELECT id, title, tags FROM ads_find_rows WHERE id = new.id AND new.section = 'repair';
END;
