-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE devices ALTER COLUMN serial DROP NOT NULL;

-- migrate:down
ALTER TABLE devices ALTER COLUMN serial SET NOT NULL;
