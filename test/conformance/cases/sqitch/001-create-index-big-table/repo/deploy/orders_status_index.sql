-- Deploy app:orders_status_index to pg

BEGIN;

CREATE INDEX orders_status_idx ON orders (status);

COMMIT;
