-- Deploy app:orders_status_index to pg

BEGIN;

CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

COMMIT;
