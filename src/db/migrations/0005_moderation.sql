-- An ad unpublished by staff stays unpublished until staff publish it again.
ALTER TABLE ads ADD COLUMN blocked_at INTEGER;
