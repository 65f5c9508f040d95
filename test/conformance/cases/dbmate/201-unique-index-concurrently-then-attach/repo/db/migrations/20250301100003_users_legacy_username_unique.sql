-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE users ADD CONSTRAINT users_legacy_username_key UNIQUE USING INDEX users_legacy_username_uidx;

-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_legacy_username_key;
