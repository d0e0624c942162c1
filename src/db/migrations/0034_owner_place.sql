-- Scale (issue 14): the home page's verified-sellers block in a city read every active ad of
-- every badge holder through `ads_owner` (by bump time) to find the few in the city: 102,000
-- entries of 5,060 holders at a million ads, 0.6-0.9 ms, over half of the home page's queries.
-- Here a holder's ads in the place are one seek (0.2-0.3 ms for the block). `ads_owner` stays
-- for a seller's own ads, newest bumped first.
CREATE INDEX ads_owner_place ON ads (owner_id, is_active, section, country, city, bumped_at);
