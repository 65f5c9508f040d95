-- +goose NO TRANSACTION
-- +goose Up
DROP INDEX CONCURRENTLY orders_customer_id_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
