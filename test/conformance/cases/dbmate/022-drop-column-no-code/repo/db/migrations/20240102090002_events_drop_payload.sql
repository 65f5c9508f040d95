-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE events DROP COLUMN payload;

-- migrate:down
ALTER TABLE events ADD COLUMN payload jsonb;
