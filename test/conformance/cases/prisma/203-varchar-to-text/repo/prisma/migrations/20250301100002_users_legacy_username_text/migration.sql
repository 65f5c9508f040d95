SET lock_timeout = '3s';

ALTER TABLE users ALTER COLUMN legacy_username TYPE text;
