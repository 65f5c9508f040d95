-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative;
