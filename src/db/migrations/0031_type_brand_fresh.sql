-- Scale (issue 14): a type and a brand, newest first (the default order), read from an index
-- of both: the type's index checked the brand in each entry (migration 28) for at most 5,000
-- entries, and a brand rare among the type's newest ads filled no page there and was read by
-- their tags, every ad of both sorted: Komatsu graders for sale, page 33, 11 ms at a million
-- ads. Without a price range its count reads the same entries, to the cap, in any order.
-- About 30 bytes an ad.
CREATE INDEX ads_type_brand ON ads (
    section, is_active, equipment_type, brand COLLATE NOCASE, bumped_at, id, kind, country,
    price_day_usd_cents
);
