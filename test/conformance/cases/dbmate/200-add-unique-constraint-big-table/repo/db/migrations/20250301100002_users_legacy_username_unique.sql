-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE users ADD CONSTRAINT users_legacy_username_key UNIQUE (legacy_username);

-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_legacy_username_key;
