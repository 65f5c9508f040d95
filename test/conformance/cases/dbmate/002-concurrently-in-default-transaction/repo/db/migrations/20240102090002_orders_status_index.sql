-- migrate:up
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
