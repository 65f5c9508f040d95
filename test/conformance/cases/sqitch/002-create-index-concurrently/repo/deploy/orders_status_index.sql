-- Deploy app:orders_status_index to pg

CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
