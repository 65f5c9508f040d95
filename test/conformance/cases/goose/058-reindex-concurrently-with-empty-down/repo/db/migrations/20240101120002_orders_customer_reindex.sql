-- +goose NO TRANSACTION
-- +goose Up
REINDEX INDEX CONCURRENTLY orders_customer_id_idx;

-- +goose Down
