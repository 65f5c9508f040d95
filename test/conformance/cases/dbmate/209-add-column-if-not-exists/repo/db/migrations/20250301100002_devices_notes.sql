-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE devices ADD COLUMN IF NOT EXISTS notes text;

-- migrate:down
ALTER TABLE devices DROP COLUMN IF EXISTS notes;
