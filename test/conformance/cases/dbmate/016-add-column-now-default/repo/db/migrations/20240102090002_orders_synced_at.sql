-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN synced_at timestamptz DEFAULT now();

-- migrate:down
ALTER TABLE orders DROP COLUMN synced_at;
