-- Scale (issue 14): search by words. The trigram index (`ads_fts`) found a word inside any
-- other, but a common one ("года", "оператором") was a phrase of six to eight trigrams, each
-- with hundreds of thousands of rows, checked row by row against the section asked: 0.3-1.7 s
-- at a million ads, and 1.09 GB of the 2.6 GB database. This index holds each word once
-- (unicode61: letters and digits, case folded) and, in `tags`, a search's filters other than
-- the price as words of their own, so FTS5 intersects the word's rows with the filter's
-- instead of reading every match's ad: 5-10 ms for the worst of those words, and 186 MB. The
-- section's word says the ad is listed too ("scatalog"; "hcatalog" when hidden), so a
-- search without a price range is counted in the index alone; the section and country, the
-- commonest pair, are one word too ("scatalogckz": a word's rows are intersected with one
-- list a quarter the length of the two); the type, brand and city are
-- one word each whatever they hold (hex of the value; the brand lower-cased as NOCASE
-- compares it). `list::tags_query` writes the same words. A word inside another ("кран" in
-- "автокран") is found through the index's own term list (`ads_find_vocab`, see
-- `domain::ads::lexicon`). Contentless: the text stays in `ads` only; rows are deleted by
-- rowid (`contentless_delete`).
CREATE VIEW ads_find_rows AS
SELECT id,
       title,
       concat_ws(' ', description, brand, model, equipment_type, part_name, service_name) AS body,
       concat_ws(' ',
           iif(is_active = 1, 's', 'h') || section, 'k' || kind, 'c' || country,
           iif(is_active = 1, 's' || section || 'c' || country, NULL),
           't' || nullif(hex(equipment_type), ''), 'b' || nullif(hex(lower(brand)), ''),
           'y' || nullif(hex(city), '')
       ) AS tags
FROM ads;

CREATE VIRTUAL TABLE ads_find USING fts5 (
    title, body, tags,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO ads_find (rowid, title, body, tags) SELECT id, title, body, tags FROM ads_find_rows;
INSERT INTO ads_find (ads_find) VALUES ('optimize');
CREATE VIRTUAL TABLE ads_find_vocab USING fts5vocab (ads_find, col);

CREATE TRIGGER ads_find_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ads_find (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id;
END;
CREATE TRIGGER ads_find_delete AFTER DELETE ON ads BEGIN
    DELETE FROM ads_find WHERE rowid = old.id;
END;
-- `section` follows `kind` (a generated column); a row is written again only when what it
-- holds changed (hiding a seller's ads sets `is_active` on rows that may have it already)
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
    DELETE FROM ads_find WHERE rowid = old.id;
    INSERT INTO ads_find (rowid, title, body, tags)
    SELECT id, title, body, tags FROM ads_find_rows WHERE id = new.id;
END;

DROP TRIGGER ads_fts_insert;
DROP TRIGGER ads_fts_delete;
DROP TRIGGER ads_fts_update;
DROP TABLE ads_fts;
