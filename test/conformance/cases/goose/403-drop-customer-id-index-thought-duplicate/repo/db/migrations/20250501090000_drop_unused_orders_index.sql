-- +goose Up
-- pg_stat_user_indexes shows few scans on the replica we checked; dropping to save 2 GB.
DROP INDEX orders_customer_id_idx;

-- +goose Down
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
