-- Posting and accounts (issue 17): with `moderation.require_verified_email`, an ad or freight
-- listing posted (or published again) by an owner whose e-mail is not confirmed yet waits,
-- unpublished, and the confirmation publishes it in its own transaction.
ALTER TABLE ads ADD COLUMN awaiting_email INTEGER NOT NULL DEFAULT 0;
ALTER TABLE freight_ads ADD COLUMN awaiting_email INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ads_awaiting_email ON ads (owner_id) WHERE awaiting_email = 1;
CREATE INDEX freight_awaiting_email ON freight_ads (owner_id) WHERE awaiting_email = 1;
