-- +goose NO TRANSACTION
-- +goose Up
DROP INDEX CONCURRENTLY orders_status_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
