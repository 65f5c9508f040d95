-- migrate:up
SET LOCAL lock_timeout = '5s';
UPDATE orders SET channel = 'web' WHERE id IN (412, 413);
ALTER TABLE orders ADD CONSTRAINT orders_channel_not_null CHECK (channel IS NOT NULL) NOT VALID;

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_channel_not_null;
