-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE accounts DROP COLUMN display_name;

-- migrate:down
SET lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN display_name text;
