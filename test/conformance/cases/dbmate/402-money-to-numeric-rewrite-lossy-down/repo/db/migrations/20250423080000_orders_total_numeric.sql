-- migrate:up
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN total_cents TYPE numeric(14,2);
ALTER TABLE orders RENAME COLUMN total_cents TO total;

-- migrate:down
ALTER TABLE orders RENAME COLUMN total TO total_cents;
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;
