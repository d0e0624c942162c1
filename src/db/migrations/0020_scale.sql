-- Scale (issue 14): the promoted strips read in their order. Home's hot and popular blocks and
-- a listing's promoted strip ask for the first few promoted ads of a place or filter in plan
-- order; through `ads_promoted` (by expiry) SQLite read every running promotion and sorted
-- them: 9,375 rows and 20-80 ms at a million ads. This index is in the strips' order and holds
-- the columns they filter on, so a strip reads index entries until it has its few ads (all
-- 9,375 entries, about 1 ms, only for a filter no promoted ad matches).
CREATE INDEX ads_promoted_order ON ads (
    plan_rank DESC, plan_started_at DESC, id DESC,
    plan, plan_until, section, is_active, kind, country, city, equipment_type, brand COLLATE NOCASE,
    price_day_usd_cents
) WHERE plan IS NOT NULL;

-- A price sort with a kind: the cheapest catalog ads are all rents (a day's price) and the
-- dearest all sales, so "sales, cheapest first" through the section's price index skipped
-- 321,735 rents, a row read each (1.5 s at a million ads). The kind leads these two.
CREATE INDEX ads_kind_price_day ON ads (kind, is_active, price_day_usd_cents);
CREATE INDEX ads_kind_price_day_asc ON ads (kind, is_active, price_day_asc);

-- Home's popular block in a city is filled from the city's most viewed ads: through the
-- section's views index that read rows until 28 of the city turned up (37-82 ms in a city of
-- one ad in eighty). And its verified sellers' ads in a city: the owner index now holds the
-- place, so the rows of other places are passed over in the index.
CREATE INDEX ads_place_views ON ads (section, is_active, country, city, views_count);
DROP INDEX ads_owner;
CREATE INDEX ads_owner ON ads (owner_id, is_active, bumped_at, section, country, city);
