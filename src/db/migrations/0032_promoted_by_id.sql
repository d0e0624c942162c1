-- Scale (issue 14): the promoted strip above a search finds which of the newest 500 matches
-- are promoted in this index of the running promotions (about 9,000 at a million ads), not in
-- each match's row. Those rows lie all over the table, a page read each: the strip took 4-7 ms
-- of a common word's first page, more than its count and its page together.
CREATE INDEX ads_promoted_id ON ads (id, plan, plan_rank, plan_started_at, plan_until)
WHERE plan IS NOT NULL;
