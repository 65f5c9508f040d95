-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY orders_status_placed_idx ON orders (status, placed_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS orders_status_placed_idx;
