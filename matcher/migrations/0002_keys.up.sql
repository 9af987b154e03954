-- Keys can expire and show when they were last used (rotation creates a fresh key and
-- revokes the old one; revocation already ends review-page sessions).
ALTER TABLE api_key
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN last_used_at timestamptz;
