-- Scale (issue 14): how many listed ads each place, type, brand and kind of a section holds,
-- kept by triggers. A listing of two of a type, a brand and a city is read by their words in
-- the search index (`by_tags`), and counting the ads that carry them walked the intersection
-- of the words' lists, to 10,001 ads, on every such page (FTS5 is a third of the server's
-- time at a million ads); here it is a sum of a few hundred rows. A brand is kept lowered, as
-- the listing compares it (NOCASE: ASCII letters only, as lower() folds them); a missing type
-- or brand is kept as ''. About 40,000 rows at a million ads.
CREATE TABLE ad_facets (
    section        TEXT    NOT NULL,
    country        TEXT    NOT NULL,
    city           TEXT    NOT NULL,
    equipment_type TEXT    NOT NULL,
    brand          TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    n              INTEGER NOT NULL,
    PRIMARY KEY (section, country, city, equipment_type, brand, kind)
) WITHOUT ROWID;
-- a type and a brand, anywhere or in a country
CREATE INDEX ad_facets_type ON ad_facets (section, equipment_type, brand, country, city, kind, n);

-- each ad's key in `ad_facets`, for filling it in bulk (here and in the seed); the triggers
-- spell it on `old` and `new`
CREATE VIEW ad_facet_keys AS
SELECT id, is_active, section, country, city, coalesce(equipment_type, '') AS equipment_type,
       lower(coalesce(brand, '')) AS brand, kind
FROM ads;

INSERT INTO ad_facets (section, country, city, equipment_type, brand, kind, n)
SELECT section, country, city, equipment_type, brand, kind, count(*)
FROM ad_facet_keys WHERE is_active = 1
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER ad_facets_insert AFTER INSERT ON ads WHEN new.is_active = 1 BEGIN
    INSERT INTO ad_facets (section, country, city, equipment_type, brand, kind, n)
    VALUES (new.section, new.country, new.city, coalesce(new.equipment_type, ''),
            lower(coalesce(new.brand, '')), new.kind, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ad_facets_delete AFTER DELETE ON ads WHEN old.is_active = 1 BEGIN
    UPDATE ad_facets SET n = n - 1
    WHERE section = old.section AND country = old.country AND city = old.city
      AND equipment_type = coalesce(old.equipment_type, '')
      AND brand = lower(coalesce(old.brand, '')) AND kind = old.kind;
END;

CREATE TRIGGER ad_facets_update AFTER UPDATE OF
    kind, country, city, equipment_type, brand, is_active
ON ads WHEN (old.is_active = 1 OR new.is_active = 1) AND (
    old.is_active IS NOT new.is_active OR old.kind IS NOT new.kind
    OR old.country IS NOT new.country OR old.city IS NOT new.city
    OR coalesce(old.equipment_type, '') IS NOT coalesce(new.equipment_type, '')
    OR lower(coalesce(old.brand, '')) IS NOT lower(coalesce(new.brand, '')))
BEGIN
    UPDATE ad_facets SET n = n - 1
    WHERE old.is_active = 1
      AND section = old.section AND country = old.country AND city = old.city
      AND equipment_type = coalesce(old.equipment_type, '')
      AND brand = lower(coalesce(old.brand, '')) AND kind = old.kind;
    INSERT INTO ad_facets (section, country, city, equipment_type, brand, kind, n)
    SELECT new.section, new.country, new.city, coalesce(new.equipment_type, ''),
           lower(coalesce(new.brand, '')), new.kind, 1
    WHERE new.is_active = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
