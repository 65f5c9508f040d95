-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;

-- migrate:down
UPDATE orders SET status = 'new' WHERE status IS NULL;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
