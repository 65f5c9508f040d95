-- Revert app:orders_status_index from pg

BEGIN;

DROP INDEX orders_status_idx;

COMMIT;
