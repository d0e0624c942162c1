-- Finding (issue 17): prices that compare, negotiable ads after priced ones, short words found.

-- A price comparable across rent units, in US cents per day: an hourly price is one 8-hour
-- shift (x 8), a monthly one 30 days (/ 30); a sale price as it is; NULL when negotiable.
-- Virtual: the write path, the seeder and the USD recompute keep `price_usd_cents` only.
ALTER TABLE ads ADD COLUMN price_day_usd_cents INTEGER GENERATED ALWAYS AS (
    CASE price_unit
        WHEN 'hour' THEN price_usd_cents * 8
        WHEN 'month' THEN price_usd_cents / 30
        ELSE price_usd_cents
    END
) VIRTUAL;
-- The ascending sort key: SQLite orders NULL first, so a negotiable ad reads as the dearest
-- and "cheapest first" keeps it after every priced one. (Descending puts NULL last by itself.)
ALTER TABLE ads ADD COLUMN price_day_asc INTEGER GENERATED ALWAYS AS (
    coalesce(CASE price_unit
        WHEN 'hour' THEN price_usd_cents * 8
        WHEN 'month' THEN price_usd_cents / 30
        ELSE price_usd_cents
    END, 9223372036854775807)
) VIRTUAL;
-- the price sorts and range, one index per direction; the old total-price index sorted nothing now
DROP INDEX ads_price;
CREATE INDEX ads_price_day ON ads (section, is_active, price_day_usd_cents);
CREATE INDEX ads_price_day_asc ON ads (section, is_active, price_day_asc);

-- Words of the short fields (not the description), for one- and two-letter queries as word
-- prefixes ("JC" finds JCB: the trigram index cannot match fewer than 3 characters), and the
-- spelling vocabulary (`ads_words_vocab`: each word with how many ads hold it).
CREATE VIRTUAL TABLE ads_words USING fts5 (
    title, brand, model, equipment_type, part_name, service_name,
    content = 'ads', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2'
);
INSERT INTO ads_words (ads_words) VALUES ('rebuild');
CREATE VIRTUAL TABLE ads_words_vocab USING fts5vocab (ads_words, row);
CREATE TRIGGER ads_words_insert AFTER INSERT ON ads BEGIN
    INSERT INTO ads_words (rowid, title, brand, model, equipment_type, part_name, service_name)
    VALUES (new.id, new.title, new.brand, new.model, new.equipment_type, new.part_name, new.service_name);
END;
CREATE TRIGGER ads_words_delete AFTER DELETE ON ads BEGIN
    INSERT INTO ads_words (ads_words, rowid, title, brand, model, equipment_type, part_name, service_name)
    VALUES ('delete', old.id, old.title, old.brand, old.model, old.equipment_type, old.part_name, old.service_name);
END;
CREATE TRIGGER ads_words_update AFTER UPDATE OF title, brand, model, equipment_type, part_name, service_name ON ads BEGIN
    INSERT INTO ads_words (ads_words, rowid, title, brand, model, equipment_type, part_name, service_name)
    VALUES ('delete', old.id, old.title, old.brand, old.model, old.equipment_type, old.part_name, old.service_name);
    INSERT INTO ads_words (rowid, title, brand, model, equipment_type, part_name, service_name)
    VALUES (new.id, new.title, new.brand, new.model, new.equipment_type, new.part_name, new.service_name);
END;
