-- Scale (issue 14): a listing of several filters is read from its section's word index, whose
-- tags intersect the filters (`list::ByTags`); each tagged ad's kind, listing, price and order
-- keys are then read through this narrow index by id instead of from its row. The rows are
-- wide (a description each), so each read touched a page of its own; entries here sit a
-- hundred to a page in id order, the order the word index hands the ids out in: 92,000 tagged
-- ads sorted by price in about 40 ms instead of 115-125 at a million ads.
CREATE INDEX ads_sort_keys ON ads (id, is_active, kind, price_day_usd_cents, price_day_asc, bumped_at, views_count);

-- A brand's listing in another order: through `ads_brand` (newest first) every ad of the brand
-- was read and sorted (SANY's, cheapest first: 40,000 ads, 42-60 ms at a million).
CREATE INDEX ads_brand_price_day_asc ON ads (section, is_active, brand COLLATE NOCASE, price_day_asc);
CREATE INDEX ads_brand_price_day ON ads (section, is_active, brand COLLATE NOCASE, price_day_usd_cents);
CREATE INDEX ads_brand_views ON ads (section, is_active, brand COLLATE NOCASE, views_count);

-- A city's listing by price: through its country's price index every other city's ads were
-- passed over (a city of one ad in ten, page 11: 27 ms at a million ads).
CREATE INDEX ads_place_price_day_asc ON ads (section, is_active, country, city, price_day_asc);
CREATE INDEX ads_place_price_day ON ads (section, is_active, country, city, price_day_usd_cents);
