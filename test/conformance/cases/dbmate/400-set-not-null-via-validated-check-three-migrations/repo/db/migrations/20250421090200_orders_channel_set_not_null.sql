-- migrate:up
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN channel SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_channel_not_null;

-- migrate:down
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_channel_not_null CHECK (channel IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN channel DROP NOT NULL;
