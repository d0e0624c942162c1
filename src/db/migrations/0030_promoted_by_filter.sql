-- Scale (issue 14): a listing's promoted strip reads the promoted ads of its narrowest filter
-- in plan order (`list::promoted_index`). Through `ads_promoted_order` (migration 20) a strip
-- read every running promotion's entry when few of them matched its filter: 9,356 at a
-- million ads, a sixth of the server's time over the bench's listing URLs, as a third of
-- them are first pages. These hold the same columns, led by a section's city, country, type
-- or brand: a strip reads the promotions of that one.
CREATE INDEX ads_promoted_country ON ads (
    section, country, plan_rank DESC, plan_started_at DESC, id DESC,
    plan, plan_until, is_active, kind, city, equipment_type, brand COLLATE NOCASE,
    price_day_usd_cents
) WHERE plan IS NOT NULL;
CREATE INDEX ads_promoted_city ON ads (
    section, country, city, plan_rank DESC, plan_started_at DESC, id DESC,
    plan, plan_until, is_active, kind, equipment_type, brand COLLATE NOCASE, price_day_usd_cents
) WHERE plan IS NOT NULL;
CREATE INDEX ads_promoted_type ON ads (
    section, equipment_type, plan_rank DESC, plan_started_at DESC, id DESC,
    plan, plan_until, is_active, kind, country, city, brand COLLATE NOCASE, price_day_usd_cents
) WHERE plan IS NOT NULL;
CREATE INDEX ads_promoted_brand ON ads (
    section, brand COLLATE NOCASE, plan_rank DESC, plan_started_at DESC, id DESC,
    plan, plan_until, is_active, kind, country, city, equipment_type, price_day_usd_cents
) WHERE plan IS NOT NULL;
