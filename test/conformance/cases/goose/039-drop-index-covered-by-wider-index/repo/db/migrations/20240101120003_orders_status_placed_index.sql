-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY orders_status_placed_idx ON orders (status, placed_at);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS orders_status_placed_idx;
