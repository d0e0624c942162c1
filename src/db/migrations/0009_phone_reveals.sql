-- The seller's phone is not in the ad page until a visitor asks for it; each reveal is
-- counted per ad (by a job: the visitor never waits for the count).
ALTER TABLE ads ADD COLUMN phone_reveals INTEGER NOT NULL DEFAULT 0;
