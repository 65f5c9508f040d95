-- migrate:up transaction:false
DROP INDEX CONCURRENTLY orders_status_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
