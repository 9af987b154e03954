ALTER TABLE api_key
    DROP COLUMN last_used_at,
    DROP COLUMN expires_at;
