-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
